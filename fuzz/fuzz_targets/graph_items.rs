//! Any JSON a Graph page or an export may hold, as the import and the sync read it: the tolerant
//! normalisation (PowerShell's PascalCase, `AdditionalProperties`), dataset recognition, and every
//! item reader on every object. Each gives a model or an error naming the field, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use steward_core::model::OwnerRelation;
use steward_graph::json::{normalise, Obj};
use steward_graph::wire;

fuzz_target!(|bytes: &[u8]| {
    let Ok(v) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    let v = normalise(v);
    if let Some(ctx) = v.get("@odata.context").and_then(Value::as_str) {
        let _ = wire::dataset_from_context(ctx);
        let _ = wire::parent_id(ctx);
    }
    let items: Vec<&Value> = match &v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => match o.get("value") {
            Some(Value::Array(a)) => a.iter().collect(),
            _ => vec![&v],
        },
        _ => return,
    };
    for item in items {
        let Value::Object(m) = item else { continue };
        let o = Obj(m);
        if let Some(Value::String(id)) = m.get("@odata.id") {
            let _ = wire::application_in_odata_id(id);
        }
        let _ = wire::dataset_from_item(o);
        let _ = wire::organization(o);
        let _ = wire::application(o);
        let _ = wire::service_principal(o);
        let _ = wire::federated_credential(o);
        let _ = wire::app_role_assignment(o);
        let _ = wire::role_assignment(o, false);
        let _ = wire::role_assignment(o, true);
        let _ = wire::oauth2_grant(o);
        let _ = wire::ca_policy(o);
        let _ = wire::directory_audit(o);
        let _ = wire::owner(o, "object", OwnerRelation::Owner);
        let _ = wire::sign_in(o);
        let _ = wire::sp_activity(o);
        let _ = wire::credential_activity(o);
        let _ = wire::subscribed_sku(o);
        let _ = wire::named_location(o);
        let _ = wire::risky_service_principal(o);
        let _ = wire::risk_detection(o);
        let _ = wire::directory_recommendation(o);
    }
});
