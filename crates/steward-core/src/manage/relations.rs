//! Who answers for an identity and what it may do: owners of applications and service
//! principals, sponsors of agent identities, and the application permissions a service
//! principal holds (removed for least privilege).

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::change::{Change, ObjectKind};
use super::identity::live;
use crate::model::{IdentityKind, Owner, OwnerRelation};
use crate::store::outbox::{self, OutboxItem};
use crate::store::{app_role_assignments, owners, service_principals, TenantKey};
use crate::{Error, Result};

/// The object's name, checked to be one whose owners (or sponsors) an admin may change: live,
/// not a managed identity (the checks every change makes), and an agent identity for sponsors.
fn holder(
    conn: &Connection,
    key: TenantKey,
    kind: ObjectKind,
    id: &str,
    relation: OwnerRelation,
) -> Result<String> {
    let what = match relation {
        OwnerRelation::Owner => "change its owners",
        OwnerRelation::Sponsor => "change its sponsors",
    };
    let found = live(conn, key, kind, id, what)?;
    let name = found.display_name;
    match (&found.sp, relation) {
        (Some(sp), OwnerRelation::Sponsor)
            if IdentityKind::classify(&sp.service_principal_type, &sp.alternative_names)
                != IdentityKind::AgentIdentity =>
        {
            Err(Error::InvalidInput(format!(
                "{name} is no agent identity: only agent identities have sponsors; add an owner instead"
            )))
        }
        (None, OwnerRelation::Sponsor) => Err(Error::InvalidInput(
            "sponsors belong to agent identities (service principals), not applications".into(),
        )),
        _ => Ok(name),
    }
}

/// An owner (or sponsor) of an object: which object, which principal, which relation.
#[derive(Debug, Clone, Copy)]
pub struct Relation<'a> {
    pub kind: ObjectKind,
    pub object_id: &'a str,
    /// The user's, group's or service principal's object id.
    pub principal_id: &'a str,
    pub relation: OwnerRelation,
}

/// Adds the principal as an owner of the object, or as a sponsor of an agent identity.
pub fn add_owner(
    conn: &Connection,
    key: TenantKey,
    r: Relation<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let Relation {
        kind,
        object_id,
        principal_id,
        relation,
    } = r;
    let name = holder(conn, key, kind, object_id, relation)?;
    // Directory object ids are GUIDs, which Graph writes in lower case.
    let principal_id = principal_id.trim().to_ascii_lowercase();
    let principal_id = principal_id.as_str();
    if principal_id.is_empty() {
        return Err(Error::InvalidInput(
            "give the object id of the user, group or service principal".into(),
        ));
    }
    let current = owners::list_for_objects(conn, key, &[object_id])?;
    if current
        .iter()
        .any(|o| o.owner_id.eq_ignore_ascii_case(principal_id) && o.relation == relation)
    {
        return Err(Error::InvalidInput(format!(
            "{principal_id} is already one of {name}'s {}s",
            noun(relation)
        )));
    }
    // Who it is, when the cache has seen it; a user it has never seen is named by its id until
    // the next sync reads it.
    let (owner_type, display_name, user_type) = owners::principal(conn, key, principal_id)?
        .unwrap_or_else(|| ("user".into(), principal_id.to_string(), None));
    let owner = Owner {
        object_id: object_id.into(),
        owner_id: principal_id.into(),
        owner_type,
        display_name,
        relation,
        user_type,
    };
    outbox::enqueue(
        conn,
        key,
        &Change::AddOwner { kind, owner },
        &name,
        actor,
        now,
    )
}

fn noun(r: OwnerRelation) -> &'static str {
    match r {
        OwnerRelation::Owner => "owner",
        OwnerRelation::Sponsor => "sponsor",
    }
}

/// Removes an owner of the object, or a sponsor of an agent identity.
pub fn remove_owner(
    conn: &Connection,
    key: TenantKey,
    r: Relation<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let Relation {
        kind,
        object_id,
        principal_id,
        relation,
    } = r;
    let name = holder(conn, key, kind, object_id, relation)?;
    let owner = owners::list_for_objects(conn, key, &[object_id])?
        .into_iter()
        .find(|o| o.owner_id == principal_id && o.relation == relation)
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "{principal_id} is not one of {name}'s {}s",
                noun(relation)
            ))
        })?;
    outbox::enqueue(
        conn,
        key,
        &Change::RemoveOwner { kind, owner },
        &name,
        actor,
        now,
    )
}

/// Takes the application permission `assignment_id` away from service principal `sp_id`.
pub fn remove_app_role_assignment(
    conn: &Connection,
    key: TenantKey,
    sp_id: &str,
    assignment_id: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let sp = service_principals::get_service_principal(conn, key, sp_id)?
        .filter(|sp| sp.deleted_date_time.is_none())
        .ok_or_else(|| {
            Error::InvalidInput(format!("no live service principal {sp_id} in the cache"))
        })?;
    let assignment = app_role_assignments::list_for_principal(conn, key, sp_id)?
        .into_iter()
        .find(|a| a.id == assignment_id)
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "{} holds no application permission {assignment_id}; `steward identity ID` lists them",
                sp.display_name
            ))
        })?;
    outbox::enqueue(
        conn,
        key,
        &Change::RemoveAppRoleAssignment { assignment },
        &sp.display_name,
        actor,
        now,
    )
}
