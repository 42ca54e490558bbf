//! Related objects written inline on a service principal or an application: Graph's
//! `$expand=appRoleAssignments` or `$expand=owners`, and the lists tools add to each item (Zero
//! Trust Assessment's `owners` and `oauth2PermissionGrants`, `Add-GraphProperty`).
//!
//! PowerShell unrolls what tools add: no related object is written as `null`, one as the object
//! itself, several as an array. A key that is absent means the tool did not read it (its request
//! failed), so nothing is known and nothing is changed; `null` or `[]` means there are none.

use serde_json::{Map, Value};
use steward_core::model::OwnerRelation;

use super::Batch;
use crate::json::Obj;
use crate::wire::{self, Dataset};

/// The objects of an unrolled list: `None` when the key is absent (unknown), else the list.
fn unrolled<'a>(
    item: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<Vec<&'a Map<String, Value>>>, String> {
    match item.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(Vec::new())),
        Some(Value::Object(o)) => Ok(Some(vec![o])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::Object(o) => Ok(o),
                _ => Err(format!("`{key}` should list objects")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(format!(
            "`{key}` should be a list of objects, one object, or null"
        )),
    }
}

/// Adds what `item` (a service principal, or an application when `is_application`) carries
/// inline to the batch, counted under each dataset. The message says which list was wrong.
pub(super) fn add_related(
    item: &Map<String, Value>,
    is_application: bool,
    batch: &mut Batch,
) -> Result<(), String> {
    let id = match item.get("id") {
        Some(Value::String(id)) => id.clone(),
        _ => return Ok(()), // the item's own conversion reports it
    };
    if !is_application {
        if let Some(list) = unrolled(item, "appRoleAssignments")? {
            for a in list {
                let mut a = a.clone();
                // A `$select` may leave out the principal: it is this service principal.
                a.entry("principalId")
                    .or_insert_with(|| Value::String(id.clone()));
                let a = wire::app_role_assignment(Obj(&a))
                    .map_err(|m| format!("in `appRoleAssignments`: {m}"))?;
                if batch.add_assignment(a) {
                    *batch.counts.entry(Dataset::AppRoleAssignments).or_default() += 1;
                }
            }
        }
        if let Some(list) = unrolled(item, "oauth2PermissionGrants")? {
            for g in list {
                let g = wire::oauth2_grant(Obj(g))
                    .map_err(|m| format!("in `oauth2PermissionGrants`: {m}"))?;
                batch.grants.push(g);
                *batch
                    .counts
                    .entry(Dataset::OAuth2PermissionGrants)
                    .or_default() += 1;
            }
        }
    }
    if let Some(list) = unrolled(item, "owners")? {
        let owners = list
            .into_iter()
            .map(|o| wire::owner(Obj(o), &id, OwnerRelation::Owner))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|m| format!("in `owners`: {m}"))?;
        *batch.counts.entry(Dataset::Owners).or_default() += owners.len() as u64;
        batch.owners.push((id, owners));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn unrolled_lists_read_as_none_one_or_several_and_an_absent_key_as_unknown() {
        let item = obj(serde_json::json!({
            "none": null, "one": {"id": "a"}, "two": [{"id": "a"}, {"id": "b"}], "empty": [], "bad": 5
        }));
        assert_eq!(unrolled(&item, "absent").unwrap(), None);
        assert_eq!(unrolled(&item, "none").unwrap().unwrap().len(), 0);
        assert_eq!(unrolled(&item, "one").unwrap().unwrap().len(), 1);
        assert_eq!(unrolled(&item, "two").unwrap().unwrap().len(), 2);
        assert_eq!(unrolled(&item, "empty").unwrap().unwrap().len(), 0);
        assert!(unrolled(&item, "bad").is_err());
    }

    #[test]
    fn a_service_principal_s_inline_relations_join_the_batch_with_it_as_their_parent() {
        let sp = obj(serde_json::json!({
            "id": "sp-1",
            "appRoleAssignments": [{"id": "ara-1", "appRoleId": "role-1", "resourceId": "res-1"}],
            "oauth2PermissionGrants": {"id": "g-1", "clientId": "sp-1", "consentType": "AllPrincipals",
                                       "principalId": null, "resourceId": "res-1", "scope": "User.Read"},
            "owners": [{"@odata.type": "#microsoft.graph.user", "id": "u-1", "displayName": "Ops"},
                       {"@odata.type": "#microsoft.graph.servicePrincipal", "id": "sp-9", "displayName": "Deployer"}]
        }));
        let mut batch = Batch::default();
        add_related(&sp, false, &mut batch).unwrap();
        assert_eq!(batch.app_role_assignments.len(), 1);
        assert_eq!(batch.app_role_assignments[0].principal_id, "sp-1");
        assert_eq!(batch.grants.len(), 1);
        assert_eq!(batch.owners.len(), 1);
        let (parent, owners) = &batch.owners[0];
        assert_eq!(parent, "sp-1");
        assert_eq!(owners[1].owner_type, "servicePrincipal");
        assert_eq!(batch.counts[&Dataset::Owners], 2);

        // An application's owners; `null` says it has none.
        let app = obj(serde_json::json!({"id": "app-1", "owners": null}));
        add_related(&app, true, &mut batch).unwrap();
        assert_eq!(batch.owners[1], ("app-1".to_string(), vec![]));

        let broken = obj(serde_json::json!({"id": "sp-2", "owners": [{"displayName": "no id"}]}));
        let err = add_related(&broken, false, &mut batch).unwrap_err();
        assert!(err.starts_with("in `owners`"), "{err}");
    }
}
