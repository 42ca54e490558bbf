//! The risk push: decisions made in Steward (confirm compromised, dismiss) sent to Identity
//! Protection before its risky service principals are read back.

use rusqlite::{params, Connection};
use steward_core::store::TenantKey;

use super::client::{Client, Fetch};
use super::state::in_tx;
use super::{SyncError, SyncResult};

/// The admin's risk decisions made in Steward (confirm compromised, dismiss) that Graph has not
/// heard of yet, pushed to Identity Protection before its risky service principals are read
/// back: at most 60 identities a request, as Graph allows. What Graph refuses (a missing
/// permission or license) stays pending, and the detail says why. How many were pushed.
pub(super) async fn push_risk_actions(
    client: &mut Client,
    conn: &Connection,
    key: TenantKey,
    now: i64,
) -> SyncResult<(u64, Option<String>)> {
    let pending = steward_core::store::risk::list_risk_actions(conn, key)?;
    let graph = client.opts.graph_url.trim_end_matches('/').to_string();
    let mut pushed = 0u64;
    // An identity's latest decision is the one that counts (the rows come oldest first).
    let latest: std::collections::BTreeMap<&str, &steward_core::store::risk::RiskActionRow> =
        pending.iter().map(|a| (a.sp_id.as_str(), a)).collect();
    for action in ["confirmCompromised", "dismiss"] {
        let ids: Vec<&str> = latest
            .values()
            .filter(|a| a.pushed_at.is_none() && a.action == action)
            .map(|a| a.sp_id.as_str())
            .collect();
        for chunk in ids.chunks(60) {
            client.check_cancel()?;
            let url = format!("{graph}/v1.0/identityProtection/riskyServicePrincipals/{action}");
            let body = serde_json::json!({ "servicePrincipalIds": chunk });
            let answer = match client.fetch_bytes(&url, Some(&body)).await {
                Ok(a) => a,
                // Refused (an identity Graph no longer knows, a cloud without the action): the
                // decisions stay pending and the rest of the sync goes on.
                Err(SyncError::Http {
                    status,
                    code,
                    message,
                    ..
                }) => {
                    return Ok((
                        pushed,
                        Some(format!(
                            "risk decisions made in Steward stay pending: Entra refused {action} (HTTP {status} {code}: {message}); check that those identities still exist, then sync again"
                        )),
                    ))
                }
                Err(e) => return Err(e),
            };
            match answer {
                Fetch::Ok(_) => {
                    in_tx(conn, || {
                        for id in chunk {
                            conn.prepare_cached(
                                "UPDATE risk_actions SET pushed_at = ?4
                                 WHERE tenant = ?1 AND sp_id = ?2 AND action = ?3
                                   AND pushed_at IS NULL",
                            )?
                            .execute(params![key.0, id, action, now])?;
                        }
                        Ok(())
                    })?;
                    pushed += chunk.len() as u64;
                }
                Fetch::Forbidden(why) => {
                    return Ok((
                        pushed,
                        Some(format!(
                            "risk decisions made in Steward stay pending: pushing them needs IdentityRiskyServicePrincipal.ReadWrite.All and a Workload ID Premium license ({why})"
                        )),
                    ))
                }
                Fetch::PageTokenExpired | Fetch::DeltaExpired => {
                    return Err(SyncError::Unexpected {
                        url,
                        message: "an action was answered as if it carried a page token".into(),
                    })
                }
            }
        }
    }
    Ok((pushed, None))
}
