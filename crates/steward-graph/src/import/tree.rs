//! Objects whose parent is the folder they sit in (EntraExporter's tree): owner stubs under an
//! application or service principal, and the members of a directory role, which become role
//! assignments by the role's template id once every file is read (a role's id is not its
//! template id, and its folder may be read after its members').

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use steward_core::model::{builtin_role, DirectoryRoleAssignment, OwnerRelation};

use super::page;
use super::Batch;
use crate::json::Obj;
use crate::wire::{self, Dataset};
use crate::{Error, Result};

/// A directory role object: its id, template id and name.
pub(super) struct DirectoryRole {
    id: String,
    template_id: String,
    display_name: Option<String>,
}

/// A member of a directory role object, and the file that said so.
pub(super) struct RoleMember {
    path: PathBuf,
    role: String,
    member: String,
}

fn item_error(path: &Path, dataset: Dataset, message: String) -> Error {
    Error::Item {
        path: path.to_path_buf(),
        index: 1,
        dataset: wire::item_name(dataset),
        message,
    }
}

/// The one object an EntraExporter file holds.
fn object(path: &Path, cap: u64) -> Result<Map<String, Value>> {
    let mut items = page::items_in(path, cap)?;
    match (items.pop(), items.is_empty()) {
        (Some(Value::Object(o)), true) => Ok(o),
        _ => Err(Error::Shape {
            path: path.to_path_buf(),
            message: "EntraExporter writes one object per file in this folder; this file holds something else".into(),
        }),
    }
}

/// An owner of `parent` (an application or a service principal), from its stub.
pub(super) fn read_owner(path: &Path, cap: u64, parent: &str, batch: &mut Batch) -> Result<()> {
    let o = object(path, cap)?;
    let owner = wire::owner(Obj(&o), parent, OwnerRelation::Owner)
        .map_err(|m| item_error(path, Dataset::Owners, m))?;
    let list = match batch.owners.iter_mut().find(|(id, _)| id == parent) {
        Some((_, list)) => list,
        None => {
            batch.owners.push((parent.to_string(), Vec::new()));
            &mut batch.owners.last_mut().expect("just pushed").1
        }
    };
    if !list.iter().any(|x| x.owner_id == owner.owner_id) {
        list.push(owner);
        *batch.counts.entry(Dataset::Owners).or_default() += 1;
    }
    Ok(())
}

/// A directory role object (`DirectoryRoles/<id>/<id>.json`).
pub(super) fn read_directory_role(path: &Path, cap: u64, batch: &mut Batch) -> Result<()> {
    let o = object(path, cap)?;
    let field = |m: String| item_error(path, Dataset::RoleAssignments, m);
    let o = Obj(&o);
    batch.directory_roles.push(DirectoryRole {
        id: o.str("id").map_err(field)?,
        template_id: o.str("roleTemplateId").map_err(field)?,
        display_name: o.opt_str("displayName").map_err(field)?,
    });
    Ok(())
}

/// A member of the directory role object `role` (`DirectoryRoles/<role>/Members/<id>/<id>.json`).
pub(super) fn read_role_member(path: &Path, cap: u64, role: &str, batch: &mut Batch) -> Result<()> {
    let o = object(path, cap)?;
    let member = Obj(&o)
        .str("id")
        .map_err(|m| item_error(path, Dataset::RoleAssignments, m))?;
    batch.role_members.push(RoleMember {
        path: path.to_path_buf(),
        role: role.to_string(),
        member,
    });
    Ok(())
}

/// Turns the role members read into active, tenant-wide role assignments by template id,
/// leaving out those the run's role assignments already hold.
pub(super) fn resolve_role_members(batch: &mut Batch) -> Result<()> {
    for m in std::mem::take(&mut batch.role_members) {
        let role = batch
            .directory_roles
            .iter()
            .find(|r| r.id == m.role)
            .ok_or_else(|| Error::Shape {
                path: m.path.clone(),
                message: format!(
                    "a member of directory role {}, whose own file (DirectoryRoles/{0}/{0}.json) is not in the import: import the DirectoryRoles folder whole",
                    m.role
                ),
            })?;
        let held = batch.role_assignments.iter().any(|a| {
            a.principal_id.eq_ignore_ascii_case(&m.member)
                && a.role_definition_id.eq_ignore_ascii_case(&role.template_id)
                && a.assignment_type == "active"
        });
        if held {
            continue;
        }
        let builtin = builtin_role(&role.template_id);
        batch.role_assignments.push(DirectoryRoleAssignment {
            id: format!("directoryRole:{}:{}", role.id, m.member),
            principal_id: m.member,
            role_definition_id: role.template_id.clone(),
            role_display_name: role
                .display_name
                .clone()
                .or(builtin.map(|b| b.0.to_string()))
                .unwrap_or_else(|| format!("Role {}", role.template_id)),
            directory_scope_id: "/".into(),
            is_privileged: builtin.is_some_and(|b| b.1),
            assignment_type: "active".into(),
        });
        *batch.counts.entry(Dataset::RoleAssignments).or_default() += 1;
    }
    Ok(())
}
