//! Who owns or sponsors an object, and what an identity may do: Microsoft Graph application
//! permissions and directory roles.

use rand::Rng;

use super::names::*;
use super::profile::Category;
use super::{guid, DemoSink, Generator};
use crate::model::{
    AppRoleAssignment, DirectoryRoleAssignment, Owner, OwnerRelation, ServicePrincipal,
};
use crate::Result;

impl Generator<'_> {
    pub(super) fn owners(
        &mut self,
        sink: &mut dyn DemoSink,
        object: &str,
        relation: OwnerRelation,
        none_share: f64,
    ) -> Result<()> {
        for p in self.draw_people(none_share) {
            emit_person(sink, &self.people, object, relation, p)?;
        }
        Ok(())
    }

    /// One or two people, or none with probability `none_share`.
    pub(super) fn draw_people(&mut self, none_share: f64) -> Vec<usize> {
        if self.rng.random_bool(none_share) {
            return Vec::new();
        }
        let n = self.rng.random_range(1..=2);
        (0..n)
            .map(|_| self.rng.random_range(0..PEOPLE.len()))
            .collect()
    }

    pub(super) fn permissions(
        &mut self,
        sink: &mut dyn DemoSink,
        sp: &ServicePrincipal,
        n: usize,
    ) -> Result<()> {
        if self.graph_sp == 0 {
            return Ok(());
        }
        for _ in 0..n {
            let idx = if self.rng.random_bool(0.07) {
                self.rng
                    .random_range(LOW_RISK_PERMISSIONS..GRAPH_PERMISSIONS.len())
            } else {
                self.rng.random_range(0..LOW_RISK_PERMISSIONS)
            };
            let value = GRAPH_PERMISSIONS[idx];
            let role_id = crate::model::graph_permission_id(value)
                .expect("every demo permission is in the table of Graph permissions");
            let created = self.days_ago(10, 900);
            sink.app_role_assignment(&AppRoleAssignment {
                id: guid(self.rng.random()),
                principal_id: sp.id.clone(),
                resource_id: guid(self.graph_sp),
                resource_display_name: "Microsoft Graph".into(),
                app_role_id: role_id.into(),
                permission: Some(value.into()),
                created_date_time: Some(created),
            })?;
        }
        Ok(())
    }

    pub(super) fn roles(
        &mut self,
        sink: &mut dyn DemoSink,
        sp: &ServicePrincipal,
        c: Category,
        k: usize,
    ) -> Result<()> {
        let eligible = matches!(
            c,
            Category::OwnSingle | Category::SystemMi | Category::UserMi | Category::Legacy
        );
        // The first own app and the first system-assigned managed identity always hold a
        // privileged role, so that every demo shows privileged findings and review candidates.
        let forced = k == 0 && matches!(c, Category::OwnSingle | Category::SystemMi);
        if !eligible || !(self.rng.random_bool(0.04) || forced) {
            return Ok(());
        }
        // Global Administrator is rare; read roles are common.
        let idx = match self.rng.random_range(if forced { 55..100 } else { 0..100 }) {
            0..=39 => 0,
            40..=54 => 1,
            55..=74 => 2,
            75..=84 => 3,
            85..=89 => 4,
            90..=94 => 5,
            95..=97 => 6,
            _ => 7,
        };
        let (name, template, privileged) = ROLES[idx];
        sink.directory_role(&DirectoryRoleAssignment {
            id: guid(self.rng.random()),
            principal_id: sp.id.clone(),
            role_definition_id: template.into(),
            role_display_name: name.into(),
            directory_scope_id: "/".into(),
            is_privileged: privileged,
            assignment_type: if self.rng.random_bool(0.2) {
                "eligible"
            } else {
                "active"
            }
            .into(),
        })
    }
}

/// Person `p` as an owner or sponsor of `object`.
fn emit_person(
    sink: &mut dyn DemoSink,
    people: &[u128],
    object: &str,
    relation: OwnerRelation,
    p: usize,
) -> Result<()> {
    sink.owner(&Owner {
        object_id: object.into(),
        owner_id: guid(people[p]),
        owner_type: "user".into(),
        display_name: PEOPLE[p].into(),
        relation,
        // One of the people is a guest from a partner tenant.
        user_type: Some(if p == GUEST_PERSON { "Guest" } else { "Member" }.into()),
    })
}

/// A member of staff chosen by `k` (never the guest), without a random draw: for the objects
/// added to the demo after its random stream was fixed, so that the rest of it stays the same.
pub(super) fn person_relation(
    sink: &mut dyn DemoSink,
    people: &[u128],
    object: &str,
    relation: OwnerRelation,
    k: usize,
) -> Result<()> {
    let mut p = k % PEOPLE.len();
    if p == GUEST_PERSON {
        p = (p + 1) % PEOPLE.len();
    }
    emit_person(sink, people, object, relation, p)
}
