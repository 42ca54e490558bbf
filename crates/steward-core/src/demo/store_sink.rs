//! The sink that writes the demo tenant into the SQLite cache in chunked transactions, and
//! [`write_demo`], which replaces the cache's demo tenant with a newly generated one.

use rusqlite::Connection;

use super::{
    generate, DemoOptions, DemoSink, DemoSummary, Progress, DEMO_DATASETS, DEMO_RELATIONS,
};
use crate::dataset::DatasetSource;
use crate::model::{
    AppCredentialSignInActivity, AppRoleAssignment, Application, ConditionalAccessPolicy,
    DirectoryAudit, DirectoryImpactedResource, DirectoryRecommendation, DirectoryRoleAssignment,
    NamedLocation, OAuth2PermissionGrant, Owner, RiskyServicePrincipal,
    RiskyServicePrincipalHistoryItem, ServicePrincipal, ServicePrincipalRiskDetection,
    ServicePrincipalSignInActivity, SignIn, SubscribedSku, Tenant, TenantPolicy,
};
use crate::store::sign_ins::SignInWriter;
use crate::store::{
    app_role_assignments, applications, directory_roles, governance, insights, owners,
    service_principals, tenants, TenantKey,
};
use crate::{Error, Result};

/// Writes generated objects into the cache, committing in chunks so that memory stays bounded.
struct StoreSink<'c> {
    conn: &'c Connection,
    tenant: Option<(TenantKey, String)>,
    writer: Option<SignInWriter>,
    pending: usize,
}

/// Rows per transaction: large enough for ingest speed, small enough for a bounded WAL.
const CHUNK: usize = 25_000;

impl StoreSink<'_> {
    fn key(&self) -> Result<(TenantKey, &str)> {
        self.tenant
            .as_ref()
            .map(|(k, id)| (*k, id.as_str()))
            .ok_or_else(|| {
                Error::InvalidInput("the demo generator wrote an object before its tenant".into())
            })
    }

    fn tick(&mut self) -> Result<()> {
        self.pending += 1;
        if self.pending >= CHUNK {
            self.commit()?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        if let Some(w) = self.writer.as_mut() {
            w.flush(self.conn)?;
        }
        self.conn.execute_batch("COMMIT; BEGIN")?;
        self.pending = 0;
        Ok(())
    }
}

impl DemoSink for StoreSink<'_> {
    fn tenant(&mut self, tenant: &Tenant) -> Result<()> {
        let key = tenants::upsert_tenant(self.conn, tenant, true)?;
        self.tenant = Some((key, tenant.id.clone()));
        self.writer = Some(SignInWriter::new(key));
        Ok(())
    }
    fn application(&mut self, app: &Application) -> Result<()> {
        applications::upsert_application(self.conn, self.key()?.0, app)?;
        self.tick()
    }
    fn service_principal(&mut self, sp: &ServicePrincipal) -> Result<()> {
        let (key, home) = self.key()?;
        service_principals::upsert_service_principal(self.conn, key, home, sp)?;
        self.tick()
    }
    fn owner(&mut self, owner: &Owner) -> Result<()> {
        owners::upsert_owner(self.conn, self.key()?.0, owner)?;
        self.tick()
    }
    fn app_role_assignment(&mut self, a: &AppRoleAssignment) -> Result<()> {
        app_role_assignments::upsert_app_role_assignment(self.conn, self.key()?.0, a)?;
        self.tick()
    }
    fn directory_role(&mut self, a: &DirectoryRoleAssignment) -> Result<()> {
        directory_roles::upsert_role_assignment(self.conn, self.key()?.0, a)?;
        self.tick()
    }
    fn oauth2_grant(&mut self, g: &OAuth2PermissionGrant) -> Result<()> {
        governance::upsert_grant(self.conn, self.key()?.0, g)?;
        self.tick()
    }
    fn ca_policy(&mut self, p: &ConditionalAccessPolicy) -> Result<()> {
        governance::upsert_ca_policy(self.conn, self.key()?.0, p)?;
        self.tick()
    }
    fn directory_audit(&mut self, a: &DirectoryAudit) -> Result<()> {
        governance::insert_audit(self.conn, self.key()?.0, a)?;
        self.tick()
    }
    fn tenant_policy(&mut self, p: &TenantPolicy) -> Result<()> {
        crate::store::policies::upsert_policy(self.conn, self.key()?.0, p)?;
        self.tick()
    }
    fn sign_in(&mut self, s: &SignIn) -> Result<()> {
        let writer = self.writer.as_mut().ok_or_else(|| {
            Error::InvalidInput("the demo generator wrote a sign-in before its tenant".into())
        })?;
        writer.insert(self.conn, s)?;
        self.tick()
    }
    fn sp_activity(&mut self, a: &ServicePrincipalSignInActivity) -> Result<()> {
        insights::upsert_sp_activity(self.conn, self.key()?.0, a)?;
        self.tick()
    }
    fn credential_activity(&mut self, a: &AppCredentialSignInActivity) -> Result<()> {
        insights::upsert_credential_activity(self.conn, self.key()?.0, a)?;
        self.tick()
    }
    fn sku(&mut self, s: &SubscribedSku) -> Result<()> {
        insights::upsert_sku(self.conn, self.key()?.0, s)?;
        self.tick()
    }
    fn named_location(&mut self, l: &NamedLocation) -> Result<()> {
        crate::store::risk::upsert_named_location(self.conn, self.key()?.0, l)?;
        self.tick()
    }
    fn risky_service_principal(&mut self, r: &RiskyServicePrincipal) -> Result<()> {
        crate::store::risk::upsert_risky_service_principal(self.conn, self.key()?.0, r)?;
        self.tick()
    }
    fn risk_history(&mut self, h: &RiskyServicePrincipalHistoryItem) -> Result<()> {
        crate::store::risk::upsert_history_item(self.conn, self.key()?.0, h)?;
        self.tick()
    }
    fn risk_detection(&mut self, d: &ServicePrincipalRiskDetection) -> Result<()> {
        crate::store::risk::upsert_detection(self.conn, self.key()?.0, d)?;
        self.tick()
    }
    fn directory_recommendation(&mut self, r: &DirectoryRecommendation) -> Result<()> {
        insights::upsert_directory_recommendation(self.conn, self.key()?.0, r)?;
        self.tick()
    }
    fn directory_impacted_resource(&mut self, r: &DirectoryImpactedResource) -> Result<()> {
        insights::upsert_directory_impacted_resource(self.conn, self.key()?.0, r)?;
        self.tick()
    }
}

/// Replaces any earlier demo tenant in the cache with a newly generated one.
///
/// The old demo goes first; the new one is written in chunks while marked `loading` (invisible to
/// every reader) and becomes visible in the final commit. An interrupted run leaves a `loading`
/// tenant that the next run removes.
pub fn write_demo(
    conn: &Connection,
    opts: &DemoOptions,
    progress: Progress<'_>,
) -> Result<DemoSummary> {
    let _bulk = crate::store::bulk_write(conn)?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        for key in tenants::list_demo_keys(conn)? {
            tenants::delete_tenant(conn, key)?;
        }
        // The old demo's removal is committed on its own; the new one follows in chunks.
        conn.execute_batch("COMMIT; BEGIN")?;
        let mut sink = StoreSink {
            conn,
            tenant: None,
            writer: None,
            pending: 0,
        };
        let summary = generate(opts, &mut sink, progress)?;
        if let Some(w) = sink.writer.as_mut() {
            w.flush(conn)?;
        }
        let (key, _) = sink.key()?;
        for dataset in DEMO_DATASETS.into_iter().chain(DEMO_RELATIONS) {
            let at = crate::clock::to_ms(opts.as_of);
            crate::store::datasets::mark_read(conn, key, dataset, at, DatasetSource::Demo)?;
        }
        tenants::mark_ready(conn, key)?;
        crate::store::refresh_statistics(conn)?;
        Ok(summary)
    })();
    match result {
        Ok(summary) => {
            conn.execute_batch("COMMIT")?;
            Ok(summary)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}
