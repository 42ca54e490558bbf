//! The admin's risk actions (confirm compromised, dismiss, remediated): recording them, applying
//! them to synced risky service principals as Graph would, and the latest one per identity.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::SignalState;
use crate::clock::to_ms;
use crate::store::risk::{self as store, RiskActionRow};
use crate::store::TenantKey;
use crate::{Error, Result};

/// An admin action on an identity's risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RiskAction {
    /// Graph's confirmCompromised: risk high, state confirmedCompromised.
    ConfirmCompromised,
    /// Graph's dismiss: risk none, state dismissed.
    Dismiss,
    /// Steward's own: the admin fixed what the signal pointed at.
    Remediated,
}

impl RiskAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskAction::ConfirmCompromised => "confirmCompromised",
            RiskAction::Dismiss => "dismiss",
            RiskAction::Remediated => "remediated",
        }
    }

    pub(super) fn parse(s: &str) -> Option<RiskAction> {
        [
            RiskAction::ConfirmCompromised,
            RiskAction::Dismiss,
            RiskAction::Remediated,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }

    pub(super) fn state(self) -> SignalState {
        match self {
            RiskAction::ConfirmCompromised => SignalState::ConfirmedCompromised,
            RiskAction::Dismiss => SignalState::Dismissed,
            RiskAction::Remediated => SignalState::Remediated,
        }
    }

    /// Whether Graph has an action for it (pushed to riskyServicePrincipals when connected).
    pub fn is_graph_action(self) -> bool {
        !matches!(self, RiskAction::Remediated)
    }
}

pub(super) fn latest_actions(
    conn: &Connection,
    key: TenantKey,
) -> Result<HashMap<String, RiskActionRow>> {
    let mut out = HashMap::new();
    for a in store::list_risk_actions(conn, key)? {
        out.insert(a.sp_id.clone(), a); // oldest first, so the latest wins
    }
    Ok(out)
}

/// Records an admin decision on identities' risk at `at`. Confirm compromised and dismiss also
/// update a synced risky service principal as Graph would, with a history entry, and stay
/// pending until a sync pushes them to Graph.
pub fn act(
    conn: &Connection,
    key: TenantKey,
    sp_ids: &[String],
    action: RiskAction,
    at: DateTime<Utc>,
) -> Result<()> {
    if sp_ids.is_empty() {
        return Err(Error::InvalidInput(
            "no identity given: pick at least one identity to act on".into(),
        ));
    }
    let at_ms = to_ms(at);
    let tx = conn.unchecked_transaction()?;
    for sp in sp_ids {
        store::add_risk_action(&tx, key, sp, at_ms, action.as_str())?;
        let graph_state = match action {
            RiskAction::ConfirmCompromised => Some((
                "high",
                "confirmedCompromised",
                "adminConfirmedServicePrincipalCompromised",
            )),
            RiskAction::Dismiss => Some((
                "none",
                "dismissed",
                "adminDismissedAllRiskForServicePrincipal",
            )),
            RiskAction::Remediated => None,
        };
        if let Some((level, state, detail)) = graph_state {
            let changed = tx
                .prepare_cached(
                    "UPDATE risky_service_principals SET risk_level = ?3, risk_state = ?4,
                         risk_detail = ?5, risk_last_updated = ?6
                     WHERE tenant = ?1 AND id = ?2",
                )?
                .execute(params![key.0, sp, level, state, detail, at_ms])?;
            if changed > 0 {
                store::upsert_history_item(
                    &tx,
                    key,
                    &crate::model::RiskyServicePrincipalHistoryItem {
                        id: format!("steward-{at_ms}"),
                        service_principal_id: sp.clone(),
                        risk_level: level.into(),
                        risk_state: state.into(),
                        risk_detail: detail.into(),
                        risk_last_updated_date_time: at,
                        initiated_by: Some("Steward (not yet pushed to Entra)".into()),
                    },
                )?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}
