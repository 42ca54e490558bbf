//! The executive overview and the credential-expiry report.

use super::*;

pub(super) fn overview(
    conn: &Connection,
    key: TenantKey,
    tenant: &steward_core::model::Tenant,
    from: DateTime<Utc>,
    report: &mut Report,
) -> Result<()> {
    let as_of = report.as_of;
    let span = (to_ms(as_of) - to_ms(from)).max(DAY_MS);
    let days = ((span + DAY_MS - 1) / DAY_MS).clamp(1, 366);
    if to_ms(from) >= to_ms(as_of) {
        return Err(Error::InvalidInput(
            "the period must start before --as-of; give --from an earlier date".into(),
        ));
    }
    let d = dashboard::dashboard(conn, key, tenant, as_of, days)?;
    report.period = Some((to_ms(as_of) - days * DAY_MS, to_ms(as_of)));
    let mut kpis = Section::new("At a glance");
    let mut table = Table::new(
        "kpis",
        "Key figures",
        vec![
            col("key", "Key", K::Text, 1.2),
            col("label", "Figure", K::Text, 2.0),
            col("value", "Value", K::Number, 1.0),
            col("unit", "Unit", K::Text, 0.9),
            col("detail", "Detail", K::Text, 3.0),
        ],
    );
    for k in &d.kpis {
        let (value, unit) = match k.unit {
            KpiUnit::Count => (thousands(k.value.round() as i64), "count"),
            KpiUnit::UsdPerMonth => (format!("${}", money(k.value)), "USD per month"),
            KpiUnit::Percent => (format!("{:.1} %", k.value), "percent"),
        };
        kpis.kpis.push(Kpi {
            label: k.label.clone(),
            value,
            detail: k.detail.clone(),
            alert: k.tone != Tone::Neutral,
        });
        table.push(vec![
            Cell::text(&k.key),
            Cell::text(&k.label),
            Cell::Num(k.value),
            Cell::text(unit),
            Cell::text(&k.detail),
        ]);
    }
    kpis.table = Some(table);
    report.sections.push(kpis);
    for c in &d.charts {
        let mut s = Section::new(&c.title).text(&c.description);
        s.chart = Some(c.svg.clone());
        s.table = Some(chart_table(&c.key, &c.title, &c.table));
        report.sections.push(s);
    }
    let mut soon = Table::new(
        "expiringSoon",
        "Credentials expiring soonest",
        vec![
            col("servicePrincipalId", "Service principal id", K::Text, 2.2),
            col("displayName", "Identity", K::Text, 2.2),
            col("credentialType", "Type", K::Text, 0.9),
            col("credentialName", "Credential", K::Text, 1.6),
            col("endDateTime", "Expires", K::DateTime, 1.4),
            col("daysLeft", "Days left", K::Integer, 0.7),
        ],
    );
    for e in &d.summary.expiring_soon {
        soon.push(vec![
            Cell::text(&e.service_principal_id),
            Cell::text(&e.display_name),
            Cell::text(e.credential_type.as_str()),
            Cell::opt_text(e.credential_name.clone()),
            opt_ms(Some(&e.end_date_time)),
            Cell::Int(e.days_left),
        ]);
    }
    report.sections.push(
        Section::new("Credentials expiring soonest")
            .text("The ten credentials that expire first within the next 30 days; the credential-expiry report lists them all.")
            .with_table(soon),
    );
    report.primary = "kpis".into();
    Ok(())
}

pub(super) fn credential_expiry(
    conn: &Connection,
    key: TenantKey,
    report: &mut Report,
) -> Result<()> {
    let rows = expiry::credential_expiry(conn, key, report.as_of)?;
    let bands = [
        Urgency::ExpiredInUse,
        Urgency::Expiring30,
        Urgency::Expiring90,
        Urgency::Expired,
        Urgency::Valid,
        Urgency::NoExpiry,
    ];
    let counts: Vec<i64> = bands
        .iter()
        .map(|b| rows.iter().filter(|r| r.urgency == *b).count() as i64)
        .collect();
    let mut summary = Section::new("Summary").text(
        "Every secret and certificate on an active application or service principal, most urgent first. \
         \"Expired, still in use\" means a sign-in used the credential after it ended or within the last 30 days: \
         a workload is failing now. Last use is the latest of the cached sign-in log and Graph's credential usage report.",
    );
    for (b, n) in bands.iter().zip(&counts) {
        summary.kpis.push(Kpi {
            label: b.label().into(),
            value: thousands(*n),
            detail: String::new(),
            alert: matches!(b, Urgency::ExpiredInUse | Urgency::Expiring30) && *n > 0,
        });
    }
    let short = [
        "Expired, in use",
        "≤ 30 days",
        "31–90 days",
        "Expired",
        "> 90 days",
        "No end",
    ];
    summary.chart = Some(chart::column_bars(
        &short.iter().map(|b| b.to_string()).collect::<Vec<_>>(),
        &counts,
        &[HIGH, HIGH, MEDIUM, LOW, LOW, LOW],
    )?);
    report.sections.push(summary);
    let mut t = Table::new(
        "credentials",
        "Credentials by urgency",
        vec![
            col("urgency", "Urgency", K::Text, 1.5),
            col("displayName", "Held by", K::Text, 2.2),
            col("holderType", "Holder type", K::Text, 1.1),
            col("holderId", "Holder object id", K::Text, 2.2),
            col("appId", "App id", K::Text, 2.2),
            col("credentialType", "Type", K::Text, 0.9),
            col("credentialName", "Credential", K::Text, 1.5),
            col("keyId", "Key id", K::Text, 2.2),
            col("startDateTime", "Created", K::Date, 1.0),
            col("endDateTime", "Expires", K::Date, 1.0),
            col("daysLeft", "Days left", K::Integer, 0.7),
            col("lastUsed", "Last used", K::DateTime, 1.3),
            col("owners", "Owners", K::Text, 2.0),
            col("adminCenter", "Admin center", K::Link, 1.2),
        ],
    );
    for r in rows {
        t.push(vec![
            Cell::text(r.urgency.label()),
            Cell::text(r.display_name),
            Cell::text(r.holder_type),
            Cell::text(r.holder_id),
            Cell::opt_text(r.app_id),
            Cell::text(r.credential_type),
            Cell::opt_text(r.credential_name),
            Cell::text(r.key_id),
            Cell::opt_time(r.start),
            Cell::opt_time(r.end),
            Cell::opt_int(r.days_left),
            Cell::opt_time(r.last_used),
            Cell::text(r.owners.join("; ")),
            Cell::text(r.portal_url),
        ]);
    }
    report
        .sections
        .push(Section::new("Credentials by urgency").with_table(t));
    report.primary = "credentials".into();
    Ok(())
}
