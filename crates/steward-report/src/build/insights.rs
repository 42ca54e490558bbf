//! The recommendations, risk and licenses reports.

use super::*;

pub(super) fn recommendations(
    conn: &Connection,
    key: TenantKey,
    report: &mut Report,
) -> Result<()> {
    let settings = RecommendationSettings::default();
    let r = recommendations::recommendations(
        conn,
        key,
        &report.tenant_id,
        report.as_of,
        &settings,
        None,
    )?;
    if let Some(h) = r.history_from.as_deref().and_then(ms) {
        report
            .facts
            .push(("Sign-in history from".into(), crate::text::date(h)));
    }
    report.facts.push((
        "Graph usage reports".into(),
        if r.activity_report {
            "cached"
        } else {
            "not cached: last use comes from the sign-in log alone"
        }
        .into(),
    ));
    let mut summary = Table::new(
        "recommendations",
        "Recommendations",
        vec![
            col("type", "Type", K::Text, 1.8),
            col("displayName", "Recommendation", K::Text, 2.6),
            col("priority", "Priority", K::Text, 0.8),
            col("status", "Status", K::Text, 0.9),
            col("source", "Source", K::Text, 0.9),
            col("impacted", "Impacted", K::Integer, 0.8),
            col("undetermined", "Undetermined", K::Integer, 0.9),
            col("notDetermined", "Check not determined", K::Text, 2.0),
            col("peerChecks", "Answers peer checks", K::Text, 1.4),
            col("rationale", "Why it matters", K::Text, 4.0),
        ],
    );
    let mut impacted = Table::new(
        "impacted",
        "Impacted resources",
        vec![
            col("recommendation", "Recommendation", K::Text, 1.8),
            col("priority", "Priority", K::Text, 0.8),
            col("verdict", "Verdict", K::Text, 1.0),
            col("displayName", "Resource", K::Text, 2.0),
            col("resourceType", "Resource type", K::Text, 1.1),
            col("id", "Object id", K::Text, 2.2),
            col("appId", "App id", K::Text, 2.2),
            col("credentialKeyId", "Credential key id", K::Text, 2.2),
            col("evidence", "Evidence", K::Text, 4.0),
            col("owners", "Owners", K::Text, 1.8),
            col("adminCenter", "Admin center", K::Link, 1.2),
        ],
    );
    let mut by_priority = [0i64; 3];
    let mut details = Vec::new();
    for rec in &r.recommendations {
        let prio = rec.priority.as_str();
        summary.push(vec![
            Cell::text(&rec.recommendation_type),
            Cell::text(&rec.display_name),
            Cell::text(prio),
            Cell::text(rec.status.as_str()),
            Cell::text(
                serde_json::to_value(rec.source)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            ),
            Cell::Int(rec.impacted_total),
            Cell::Int(rec.undetermined_total),
            Cell::opt_text(rec.missing_data.clone()),
            Cell::text(rec.peer_checks.join(", ")),
            Cell::text(&rec.rationale),
        ]);
        if rec.impacted_total > 0 {
            let i = match prio {
                "high" => 0,
                "medium" => 1,
                _ => 2,
            };
            by_priority[i] += 1;
        }
        for (verdict, list) in [
            ("impacted", &rec.impacted),
            ("undetermined", &rec.undetermined),
        ] {
            for res in list {
                let evidence: Vec<String> = res
                    .evidence
                    .iter()
                    .map(|e| format!("{}: {}", e.label, e.value))
                    .collect();
                impacted.push(vec![
                    Cell::text(&rec.recommendation_type),
                    Cell::text(prio),
                    Cell::text(verdict),
                    Cell::text(&res.display_name),
                    Cell::text(&res.resource_type),
                    Cell::text(&res.id),
                    Cell::opt_text(res.app_id.clone()),
                    Cell::opt_text(res.credential_key_id.clone()),
                    Cell::text(evidence.join("; ")),
                    Cell::text(res.owners.join("; ")),
                    Cell::text(&res.portal_url),
                ]);
            }
        }
        if rec.impacted_total > 0 || rec.undetermined_total > 0 || rec.missing_data.is_some() {
            let mut s = Section::new(format!(
                "{} ({} priority): {} impacted",
                rec.display_name,
                prio,
                thousands(rec.impacted_total)
            ))
            .text(&rec.rationale);
            if let Some(reason) = &rec.undetermined_reason {
                s = s.text(format!(
                    "{} undetermined: {reason}",
                    thousands(rec.undetermined_total)
                ));
            }
            if let Some(why) = &rec.missing_data {
                s = s.text(why);
            }
            if !rec.peer_checks.is_empty() {
                s = s.text(format!("Answers {}.", rec.peer_checks.join(", ")));
            }
            for (i, step) in rec.action_steps.iter().enumerate() {
                s = s.text(format!("Step {}: {step}", i + 1));
            }
            details.push(s);
        }
    }
    let mut head = Section::new("Summary").text(
        "Entra's app-health recommendation types computed locally with Entra's thresholds, Steward's own checks, \
         and Entra's synced recommendations. Every impacted resource is listed with the evidence behind its verdict; \
         resources the cache cannot judge are listed as undetermined, never as unused.",
    );
    for (label, n, alert) in [
        ("High priority", by_priority[0], true),
        ("Medium priority", by_priority[1], false),
        ("Low priority", by_priority[2], false),
    ] {
        head.kpis.push(Kpi {
            label: label.into(),
            value: thousands(n),
            detail: "recommendations with impacted resources".into(),
            alert: alert && n > 0,
        });
    }
    head.chart = Some(chart::column_bars(
        &["High".to_string(), "Medium".into(), "Low".into()],
        &by_priority,
        &[HIGH, MEDIUM, LOW],
    )?);
    head.table = Some(summary);
    report.sections.push(head);
    report.sections.extend(details);
    report
        .sections
        .push(Section::new("Impacted resources").with_table(impacted));
    report.primary = "impacted".into();
    Ok(())
}

pub(super) fn risk(conn: &Connection, key: TenantKey, report: &mut Report) -> Result<()> {
    let settings = RiskSettings::default();
    let r = risk::risk_report(conn, key, report.as_of, &settings)?;
    report.facts.push((
        "Signal window".into(),
        format!("{} days before the as-of time", settings.window_days),
    ));
    report.facts.push((
        "Identity Protection".into(),
        match r.identity_protection_synced_at.as_deref().and_then(ms) {
            Some(t) => format!("synced {}", crate::text::date_time(t)),
            None => "not in the cache (needs Workload ID Premium and IdentityRiskyServicePrincipal.Read.All)".into(),
        },
    ));
    let mut head = Section::new("Summary").text(
        "Identity Protection's risky service principals, when synced, and Steward's own signals computed from the cached sign-ins: \
         a new country, IP range, resource, credential type or key id after a baseline; bursts of invalid-credential failures; \
         sign-ins outside every named location.",
    );
    for u in &r.unavailable {
        head = head.text(format!("{}: {}", u.label, u.value));
    }
    let mut levels = Vec::new();
    let mut level_counts = Vec::new();
    for l in &r.by_level {
        levels.push(capitalise(l.level.as_str()));
        level_counts.push(l.identities);
        head.kpis.push(Kpi {
            label: format!("{} risk", capitalise(l.level.as_str())),
            value: thousands(l.identities),
            detail: format!(
                "{} from Identity Protection, {} from Steward's signals",
                l.from_identity_protection, l.from_signals
            ),
            alert: l.level.as_str() == "high" && l.identities > 0,
        });
    }
    head.chart = Some(chart::column_bars(
        &levels,
        &level_counts,
        &[HIGH, MEDIUM, LOW],
    )?);
    report.sections.push(head);

    // One row per identity at risk, whichever source found it: what a ticket system takes.
    struct AtRisk {
        name: String,
        level: String,
        rank: u8,
        sources: Vec<&'static str>,
        signals: i64,
        state: String,
        latest: Option<i64>,
        url: String,
    }
    let rank = |l: &str| match l {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        _ => 3,
    };
    let mut app_stmt =
        conn.prepare_cached("SELECT app_id FROM service_principals WHERE tenant = ?1 AND id = ?2")?;
    let mut app_of = |sp: &str| -> String {
        app_stmt
            .query_row(rusqlite::params![key.0, sp], |r| r.get(0))
            .unwrap_or_default()
    };
    let mut ids: std::collections::BTreeMap<String, AtRisk> = Default::default();
    for i in &r.risky_identities {
        if matches!(i.risk_state.as_str(), "dismissed" | "remediated" | "none") {
            continue;
        }
        ids.insert(
            i.id.clone(),
            AtRisk {
                name: i.display_name.clone(),
                level: i.risk_level.clone(),
                rank: rank(&i.risk_level),
                sources: vec!["Identity Protection"],
                signals: 0,
                state: i.risk_state.clone(),
                latest: i.risk_last_updated.as_deref().and_then(ms),
                url: i.admin_center_url.clone(),
            },
        );
    }
    for s in &r.signals {
        if s.state != risk::SignalState::Active {
            continue;
        }
        let level = s.level.as_str().to_string();
        let at = ms(&s.detected_at);
        let e = ids.entry(s.sp_id.clone()).or_insert_with(|| AtRisk {
            name: s.display_name.clone(),
            level: level.clone(),
            rank: rank(&level),
            sources: Vec::new(),
            signals: 0,
            state: "atRisk".into(),
            latest: at,
            url: recommendations::sp_url(&s.sp_id, &app_of(&s.sp_id)),
        });
        if !e.sources.contains(&"Steward signals") {
            e.sources.push("Steward signals");
        }
        e.signals += 1;
        if rank(&level) < e.rank {
            e.rank = rank(&level);
            e.level = level;
        }
        e.latest = e.latest.max(at);
    }
    let mut list: Vec<(String, AtRisk)> = ids.into_iter().collect();
    list.sort_by(|a, b| {
        a.1.rank
            .cmp(&b.1.rank)
            .then(b.1.latest.cmp(&a.1.latest))
            .then(a.0.cmp(&b.0))
    });
    let mut t = Table::new(
        "identitiesAtRisk",
        "Identities at risk",
        vec![
            col("displayName", "Identity", K::Text, 2.2),
            col("servicePrincipalId", "Object id", K::Text, 2.2),
            col("riskLevel", "Level", K::Text, 0.8),
            col("sources", "Found by", K::Text, 2.0),
            col("signals", "Signals", K::Integer, 0.7),
            col("riskState", "State", K::Text, 1.2),
            col("latest", "Latest", K::DateTime, 1.3),
            col("adminCenter", "Admin center", K::Link, 1.2),
        ],
    );
    for (id, a) in list {
        t.push(vec![
            Cell::text(a.name),
            Cell::text(id),
            Cell::text(a.level),
            Cell::text(a.sources.join(", ")),
            Cell::Int(a.signals),
            Cell::text(a.state),
            Cell::opt_time(a.latest),
            Cell::text(a.url),
        ]);
    }
    report.sections.push(
        Section::new("Identities at risk")
            .text("Open risk only: dismissed and remediated identities are left out.")
            .with_table(t),
    );

    let mut sig = Table::new(
        "signals",
        "Steward's signals",
        vec![
            col("level", "Level", K::Text, 0.7),
            col("kind", "Signal", K::Text, 1.6),
            col("displayName", "Identity", K::Text, 2.0),
            col("servicePrincipalId", "Object id", K::Text, 2.2),
            col("value", "What was new", K::Text, 1.6),
            col("detectedAt", "First seen", K::DateTime, 1.3),
            col("lastSeen", "Last seen", K::DateTime, 1.3),
            col("signIns", "Sign-ins", K::Integer, 0.7),
            col("state", "State", K::Text, 1.0),
            col("evidence", "Evidence", K::Text, 3.5),
        ],
    );
    for s in &r.signals {
        let evidence: Vec<String> = s
            .evidence
            .iter()
            .map(|e| format!("{}: {}", e.label, e.value))
            .collect();
        sig.push(vec![
            Cell::text(s.level.as_str()),
            Cell::text(&s.title),
            Cell::text(&s.display_name),
            Cell::text(&s.sp_id),
            Cell::text(&s.value),
            opt_ms(Some(&s.detected_at)),
            opt_ms(Some(&s.last_seen)),
            Cell::Int(s.sign_in_count),
            Cell::text(
                serde_json::to_value(s.state)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            ),
            Cell::text(evidence.join("; ")),
        ]);
    }
    report.sections.push(
        Section::new("Steward's signals")
            .text(format!(
                "Signals first seen in the {} days before the as-of time, each after a baseline of at least {} sign-ins over at least {} days.",
                settings.window_days, settings.baseline_min_sign_ins, settings.baseline_min_days
            ))
            .with_table(sig),
    );

    let mut ip = Table::new(
        "riskyServicePrincipals",
        "Identity Protection: risky service principals",
        vec![
            col("displayName", "Identity", K::Text, 2.0),
            col("id", "Object id", K::Text, 2.2),
            col("appId", "App id", K::Text, 2.2),
            col("riskLevel", "Level", K::Text, 0.8),
            col("riskState", "State", K::Text, 1.3),
            col("riskDetail", "Detail", K::Text, 1.8),
            col("riskLastUpdatedDateTime", "Last updated", K::DateTime, 1.3),
            col("detections", "Detections", K::Integer, 0.8),
            col("pendingAction", "Pending push", K::Text, 1.2),
            col("adminCenter", "Admin center", K::Link, 1.2),
        ],
    );
    let mut det = Table::new(
        "detections",
        "Identity Protection: risk detections",
        vec![
            col("identity", "Identity", K::Text, 2.0),
            col("riskEventType", "Detection", K::Text, 1.6),
            col("description", "Meaning", K::Text, 3.0),
            col("riskLevel", "Level", K::Text, 0.7),
            col("riskState", "State", K::Text, 1.2),
            col("detectedDateTime", "Detected", K::DateTime, 1.3),
            col("ipAddress", "IP address", K::Text, 1.2),
            col("location", "Location", K::Text, 1.2),
        ],
    );
    for i in &r.risky_identities {
        ip.push(vec![
            Cell::text(&i.display_name),
            Cell::text(&i.id),
            Cell::opt_text(i.app_id.clone()),
            Cell::text(&i.risk_level),
            Cell::text(&i.risk_state),
            Cell::text(&i.risk_detail),
            opt_ms(i.risk_last_updated.as_ref()),
            Cell::Int(i.detections.len() as i64),
            Cell::opt_text(i.pending_action.map(|a| a.as_str())),
            Cell::text(&i.admin_center_url),
        ]);
        for d in &i.detections {
            det.push(vec![
                Cell::text(&i.display_name),
                Cell::text(&d.risk_event_type),
                Cell::text(&d.description),
                Cell::text(&d.risk_level),
                Cell::text(&d.risk_state),
                opt_ms(d.detected_at.as_ref()),
                Cell::opt_text(d.ip_address.clone()),
                Cell::opt_text(d.location.clone()),
            ]);
        }
    }
    report
        .sections
        .push(Section::new("Identity Protection: risky service principals").with_table(ip));
    report
        .sections
        .push(Section::new("Identity Protection: risk detections").with_table(det));
    report.primary = "identitiesAtRisk".into();
    Ok(())
}

pub(super) fn licenses(conn: &Connection, key: TenantKey, report: &mut Report) -> Result<()> {
    let est = licensing::estimate(conn, key, &report.tenant_id, report.as_of)?;
    let settings = licensing::load_settings(conn, key)?;
    let plan = licensing::plan(&est, &settings, report.as_of)?;
    let cur = &settings.currency;
    let mut head = Section::new("Estimate").text(
        "Workload ID Premium is licensed per workload identity per month. The full-coverage estimate counts \
         single-tenant and multitenant apps of this tenant, third-party apps, legacy service principals and managed \
         identities in access reviews; Microsoft's apps, other managed identities, agent identities and social \
         identity providers do not count. Disabled identities count all the same.",
    );
    head.kpis.push(Kpi {
        label: "Billable identities".into(),
        value: thousands(est.billable_identities),
        detail: format!("{} of them disabled", thousands(est.billable_disabled)),
        alert: false,
    });
    head.kpis.push(Kpi {
        label: "Monthly cost".into(),
        value: format!(
            "{} {cur}",
            money(est.billable_identities as f64 * settings.price)
        ),
        detail: format!("at {} {cur} per identity per month", money(settings.price)),
        alert: false,
    });
    head.kpis.push(Kpi {
        label: "Unused billable".into(),
        value: est.unused_billable.map_or("unknown".into(), thousands),
        detail: est.unused_explanation.clone(),
        alert: est.unused_billable.is_some_and(|u| u > 0),
    });
    head.kpis.push(Kpi {
        label: "Feature-scoped".into(),
        value: thousands(est.feature_scope.total),
        detail: est.feature_scope.explanation.clone(),
        alert: false,
    });
    let counted: Vec<&licensing::LicenseBucket> = est.bucket_details.iter().collect();
    head.chart = Some(chart::horizontal_bars(
        &counted.iter().map(|b| b.label.clone()).collect::<Vec<_>>(),
        &counted
            .iter()
            .map(|b| vec![b.billable, b.total - b.billable])
            .collect::<Vec<_>>(),
        &[
            chart::Series {
                name: "Billable",
                color: HIGH,
            },
            chart::Series {
                name: "Not billable",
                color: LOW,
            },
        ],
    )?);
    let mut buckets = Table::new(
        "buckets",
        "Buckets",
        vec![
            col("key", "Bucket", K::Text, 1.6),
            col("label", "Description", K::Text, 2.2),
            col("counted", "Counted", K::Bool, 0.7),
            col("uncertain", "Uncertain", K::Bool, 0.7),
            col("total", "Identities", K::Integer, 0.8),
            col("disabled", "Disabled", K::Integer, 0.7),
            col("billable", "Billable", K::Integer, 0.7),
            col("rule", "Rule", K::Text, 4.5),
        ],
    );
    for b in &est.bucket_details {
        buckets.push(vec![
            Cell::text(&b.key),
            Cell::text(&b.label),
            Cell::Bool(b.counted),
            Cell::Bool(b.uncertain),
            Cell::Int(b.total),
            Cell::Int(b.disabled),
            Cell::Int(b.billable),
            Cell::text(&b.rule),
        ]);
    }
    head.table = Some(buckets);
    report.sections.push(head);

    let mut subs = Table::new(
        "subscriptions",
        "Subscriptions",
        vec![
            col("skuPartNumber", "SKU", K::Text, 2.0),
            col("capabilityStatus", "Status", K::Text, 1.0),
            col("prepaidUnits", "Prepaid", K::Integer, 0.8),
            col("consumedUnits", "Consumed", K::Integer, 0.8),
            col("isTrial", "Trial", K::Bool, 0.6),
            col("nextLifecycle", "Trial end or renewal", K::DateTime, 1.4),
            col("daysLeft", "Days left", K::Integer, 0.7),
        ],
    );
    for s in &est.subscriptions {
        subs.push(vec![
            Cell::text(&s.sku_part_number),
            Cell::text(&s.capability_status),
            Cell::Int(s.prepaid_units),
            Cell::Int(s.consumed_units),
            Cell::Bool(s.is_trial),
            opt_ms(s.next_lifecycle.as_ref()),
            Cell::opt_int(s.days_left),
        ]);
    }
    let mut s = Section::new("Subscriptions");
    if !est.skus_synced {
        s = s.text("Subscribed SKUs are not in the cache yet: a sync reads them.");
    } else if est.subscriptions.is_empty() {
        s = s.text("The tenant holds no Workload ID Premium subscription.");
    }
    report.sections.push(s.with_table(subs));

    let mut scen = Table::new(
        "scenarios",
        "Planner scenarios",
        vec![
            col("name", "Scenario", K::Text, 2.4),
            col("basis", "Basis", K::Text, 1.3),
            col("adjustment", "Adjustment", K::Integer, 0.8),
            col("identities", "Identities", K::Integer, 0.8),
            col("monthlyCost", "Per month", K::Money, 1.0),
            col("annualCost", "First 12 months", K::Money, 1.1),
            col("total24", "24 months", K::Money, 1.1),
            col("total36", "36 months", K::Money, 1.1),
            col("note", "Note", K::Text, 2.5),
        ],
    );
    for r in &plan.results {
        let horizon =
            |m: i64| Cell::opt_num(r.horizons.iter().find(|h| h.months == m).map(|h| h.total));
        scen.push(vec![
            Cell::text(&r.name),
            Cell::text(
                serde_json::to_value(r.basis)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            ),
            Cell::Int(r.adjustment),
            Cell::opt_int(r.identities),
            Cell::opt_num(r.monthly_cost),
            Cell::opt_num(r.annual_cost),
            horizon(24),
            horizon(36),
            Cell::opt_text(r.note.clone()),
        ]);
    }
    // The share of each planned month inside the free trial, as the planner computes it.
    let month_ms = licensing::MONTH_DAYS * DAY_MS as f64;
    let start = to_ms(report.as_of);
    let trial = plan
        .settings
        .trial_start
        .as_deref()
        .and_then(ms)
        .map(|s| (s, s + licensing::TRIAL_DAYS * DAY_MS));
    let free_share = (0..36)
        .map(|m| {
            let a = start as f64 + m as f64 * month_ms;
            let b = a + month_ms;
            trial.map_or(0.0, |(ts, te)| {
                ((b.min(te as f64) - a.max(ts as f64)).max(0.0)) / month_ms
            })
        })
        .collect();
    let mut planner = Section::new("Planner").text(format!(
        "Price {} {cur} per identity per month, growth {}% a year (compounded monthly, counts rounded up){}. \
         In the spreadsheet the planner sheet keeps its formulas: change the price or growth there.",
        money(settings.price),
        settings.growth_pct,
        match &plan.trial_end {
            Some(e) => format!(", trial free until {}", &e[..10.min(e.len())]),
            None => String::new(),
        }
    ));
    planner.planner = Some(PlannerModel {
        price: settings.price,
        currency: cur.clone(),
        growth_pct: settings.growth_pct,
        scenarios: plan
            .results
            .iter()
            .map(|r| (r.name.clone(), r.identities))
            .collect(),
        free_share,
        start,
    });
    planner.table = Some(scen);
    report.sections.push(planner);
    report.facts.push((
        "Price".into(),
        format!("{} {cur} per identity per month", money(settings.price)),
    ));
    report.primary = "buckets".into();
    Ok(())
}
