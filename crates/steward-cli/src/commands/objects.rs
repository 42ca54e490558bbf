//! `steward app|sp|credential …`: changes to applications, service principals and their
//! credentials, queued for `steward push`.

use std::io::Write;

use rusqlite::Connection;
use steward_core::clock;
use steward_core::manage::{self, ObjectKind, Properties};
use steward_core::store::outbox::OutboxItem;
use steward_core::store::{applications, service_principals, tenants, TenantKey};

use super::local_actor;
use crate::output;
use crate::{
    AppCommand, ChangeFlags, CredentialCommand, CredentialOwner, PermissionCommand,
    RelationCommand, SpCommand,
};

fn tenant(conn: &Connection, flags: &ChangeFlags) -> anyhow::Result<TenantKey> {
    Ok(tenants::resolve_tenant(conn, flags.tenant.as_deref())?.0)
}

fn queued(out: &mut impl Write, item: &OutboxItem, json: bool) -> anyhow::Result<()> {
    if json {
        output::write_json(out, item)?;
    } else {
        writeln!(
            out,
            "Queued as change {}: {} on {} (pending until `steward push` or the next sync).",
            item.id, item.summary, item.target_display_name
        )?;
    }
    Ok(())
}

/// The properties after an edit: what is given replaces, what is not stays.
fn edited(
    current: Properties,
    name: Option<String>,
    notes: Option<String>,
    tags: Option<Vec<String>>,
) -> Properties {
    Properties {
        display_name: name.unwrap_or(current.display_name),
        notes: match notes {
            Some(n) if n.is_empty() => None,
            Some(n) => Some(n),
            None => current.notes,
        },
        tags: match tags {
            Some(t) if t.iter().all(String::is_empty) => Vec::new(),
            Some(t) => t,
            None => current.tags,
        },
    }
}

pub(crate) fn app(conn: &Connection, out: &mut impl Write, c: AppCommand) -> anyhow::Result<()> {
    let now = clock::now();
    let who = local_actor();
    match c {
        AppCommand::Create {
            name,
            audience,
            notes,
            flags,
        } => {
            let key = tenant(conn, &flags)?;
            let item = manage::create_application(
                conn,
                key,
                &name,
                &audience,
                notes.as_deref(),
                &who,
                now,
            )?;
            queued(out, &item, flags.json)
        }
        AppCommand::Update {
            id,
            name,
            notes,
            tags,
            flags,
        } => {
            let key = tenant(conn, &flags)?;
            let current = applications::get_application(conn, key, &id)?
                .map(|a| Properties::of_application(&a))
                .ok_or_else(|| anyhow::anyhow!("no live application {id} in the cache"))?;
            let after = edited(current, name, notes, tags);
            let item = manage::update_properties(
                conn,
                key,
                ObjectKind::Application,
                &id,
                &after,
                &who,
                now,
            )?;
            queued(out, &item, flags.json)
        }
        AppCommand::Delete { id, flags } => {
            let key = tenant(conn, &flags)?;
            let item = manage::delete(conn, key, ObjectKind::Application, &id, &who, now)?;
            queued(out, &item, flags.json)
        }
        AppCommand::Restore { id, flags } => {
            let key = tenant(conn, &flags)?;
            let item = manage::restore(conn, key, ObjectKind::Application, &id, &who, now)?;
            queued(out, &item, flags.json)
        }
    }
}

pub(crate) fn sp(conn: &Connection, out: &mut impl Write, c: SpCommand) -> anyhow::Result<()> {
    let now = clock::now();
    let who = local_actor();
    let (item, json) = match c {
        SpCommand::Enable { id, flags } => {
            let key = tenant(conn, &flags)?;
            (
                manage::set_enabled(conn, key, &id, true, &who, now)?,
                flags.json,
            )
        }
        SpCommand::Disable { id, flags } => {
            let key = tenant(conn, &flags)?;
            (
                manage::set_enabled(conn, key, &id, false, &who, now)?,
                flags.json,
            )
        }
        SpCommand::Update {
            id,
            name,
            tags,
            flags,
        } => {
            let key = tenant(conn, &flags)?;
            let current = service_principals::get_service_principal(conn, key, &id)?
                .map(|sp| Properties::of_service_principal(&sp))
                .ok_or_else(|| anyhow::anyhow!("no service principal {id} in the cache"))?;
            let after = edited(current, name, None, tags);
            (
                manage::update_properties(
                    conn,
                    key,
                    ObjectKind::ServicePrincipal,
                    &id,
                    &after,
                    &who,
                    now,
                )?,
                flags.json,
            )
        }
        SpCommand::Delete { id, flags } => {
            let key = tenant(conn, &flags)?;
            (
                manage::delete(conn, key, ObjectKind::ServicePrincipal, &id, &who, now)?,
                flags.json,
            )
        }
        SpCommand::Restore { id, flags } => {
            let key = tenant(conn, &flags)?;
            (
                manage::restore(conn, key, ObjectKind::ServicePrincipal, &id, &who, now)?,
                flags.json,
            )
        }
    };
    queued(out, &item, json)
}

fn owner(o: CredentialOwner) -> (ObjectKind, String) {
    match (o.application, o.service_principal) {
        (Some(a), _) => (ObjectKind::Application, a),
        (None, Some(sp)) => (ObjectKind::ServicePrincipal, sp),
        // clap requires one of the two.
        (None, None) => (ObjectKind::Application, String::new()),
    }
}

pub(crate) fn credential(
    conn: &Connection,
    out: &mut impl Write,
    c: CredentialCommand,
) -> anyhow::Result<()> {
    let now = clock::now();
    let who = local_actor();
    let (item, json) = match c {
        CredentialCommand::AddSecret {
            owner: o,
            name,
            days,
            flags,
        } => {
            let key = tenant(conn, &flags)?;
            let (kind, id) = owner(o);
            (
                manage::add_secret(
                    conn,
                    key,
                    kind,
                    &id,
                    manage::SecretRequest { name: &name, days },
                    &who,
                    now,
                )?,
                flags.json,
            )
        }
        CredentialCommand::AddCertificate {
            owner: o,
            file,
            flags,
        } => {
            let key = tenant(conn, &flags)?;
            let (kind, id) = owner(o);
            let bytes = std::fs::read(&file).map_err(|e| {
                anyhow::anyhow!("could not read the certificate {}: {e}", file.display())
            })?;
            (
                manage::add_certificate(conn, key, kind, &id, &bytes, &who, now)?,
                flags.json,
            )
        }
        CredentialCommand::Remove {
            owner: o,
            key_id,
            flags,
        } => {
            let key = tenant(conn, &flags)?;
            let (kind, id) = owner(o);
            (
                manage::remove_credential(conn, key, kind, &id, &key_id, &who, now)?,
                flags.json,
            )
        }
    };
    queued(out, &item, json)
}

/// `steward owner|sponsor add|remove`.
pub(crate) fn relation(
    conn: &Connection,
    out: &mut impl Write,
    c: RelationCommand,
    sponsor: bool,
) -> anyhow::Result<()> {
    let relation = if sponsor {
        steward_core::model::OwnerRelation::Sponsor
    } else {
        steward_core::model::OwnerRelation::Owner
    };
    let (args, add) = match c {
        RelationCommand::Add(a) => (a, true),
        RelationCommand::Remove(a) => (a, false),
    };
    let key = tenant(conn, &args.flags)?;
    let (kind, id) = owner(args.owner);
    let r = manage::Relation {
        kind,
        object_id: &id,
        principal_id: &args.principal,
        relation,
    };
    let item = if add {
        manage::add_owner(conn, key, r, &local_actor(), clock::now())?
    } else {
        manage::remove_owner(conn, key, r, &local_actor(), clock::now())?
    };
    queued(out, &item, args.flags.json)
}

/// `steward permission remove`.
pub(crate) fn permission(
    conn: &Connection,
    out: &mut impl Write,
    c: PermissionCommand,
) -> anyhow::Result<()> {
    let PermissionCommand::Remove {
        service_principal,
        assignment,
        flags,
    } = c;
    let key = tenant(conn, &flags)?;
    let item = manage::remove_app_role_assignment(
        conn,
        key,
        &service_principal,
        &assignment,
        &local_actor(),
        clock::now(),
    )?;
    queued(out, &item, flags.json)
}
