//! The invalid-credential burst signal: consecutive hours of one identity with many
//! wrong-or-expired-secret failures, read from the hourly roll-up.

use rusqlite::{params, Connection};

use super::{
    RiskLevel, RiskSettings, RiskSignal, SignInField, SignInFilter, SignalKind, SignalState,
};
use crate::clock::rfc3339_ms;
use crate::recommendations::Evidence;
use crate::store::sign_ins::INVALID_CREDENTIAL_CODES;
use crate::store::TenantKey;
use crate::Result;

const HOUR_MS: i64 = 3_600_000;

pub(super) fn bursts(
    conn: &Connection,
    key: TenantKey,
    from: i64,
    now: i64,
    settings: &RiskSettings,
) -> Result<Vec<RiskSignal>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sp_id, hour, count FROM credential_failure_hours INDEXED BY credential_failure_hours_by_hour
         WHERE tenant = ?1 AND hour >= ?2 AND hour <= ?3 AND count >= ?4
         ORDER BY sp_id, hour",
    )?;
    let rows = stmt
        .query_map(
            params![
                key.0,
                from.div_euclid(HOUR_MS),
                now.div_euclid(HOUR_MS),
                settings.burst_threshold
            ],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Consecutive hours of one identity are one burst.
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let (sp, start, mut total) = rows[i].clone();
        let mut end = start;
        let mut peak = total;
        let mut j = i + 1;
        while j < rows.len() && rows[j].0 == sp && rows[j].1 == end + 1 {
            end = rows[j].1;
            total += rows[j].2;
            peak = peak.max(rows[j].2);
            j += 1;
        }
        i = j;
        let level = if total >= settings.burst_threshold * 10 {
            RiskLevel::High
        } else {
            RiskLevel::Medium
        };
        let start_ms = start * HOUR_MS;
        let end_ms = (end + 1) * HOUR_MS - 1;
        out.push(RiskSignal {
            id: format!(
                "{}:{}:{}",
                SignalKind::InvalidCredentialBurst.as_str(),
                sp,
                start
            ),
            kind: SignalKind::InvalidCredentialBurst,
            title: SignalKind::InvalidCredentialBurst.title().into(),
            rationale: SignalKind::InvalidCredentialBurst.rationale().into(),
            level,
            sp_id: sp.clone(),
            display_name: String::new(),
            identity_kind: None,
            value: format!("{total} failures in {} h", end - start + 1),
            detected_at: rfc3339_ms(start_ms),
            last_seen: rfc3339_ms(end_ms),
            sign_in_count: total,
            evidence: vec![
                Evidence {
                    label: "Period".into(),
                    value: format!("{} to {}", rfc3339_ms(start_ms), rfc3339_ms(end_ms + 1)),
                },
                Evidence {
                    label: "Failures (AADSTS7000215, 7000222)".into(),
                    value: total.to_string(),
                },
                Evidence {
                    label: "Busiest hour".into(),
                    value: peak.to_string(),
                },
                Evidence {
                    label: "Threshold".into(),
                    value: format!("{} in one hour", settings.burst_threshold),
                },
            ],
            state: SignalState::Active,
            state_at: None,
            sign_ins: SignInFilter {
                sp_id: sp,
                from: rfc3339_ms(start_ms),
                to: rfc3339_ms(end_ms),
                field: SignInField::ErrorCode,
                values: INVALID_CREDENTIAL_CODES
                    .iter()
                    .map(|c| c.to_string())
                    .collect(),
            },
        });
    }
    Ok(out)
}
