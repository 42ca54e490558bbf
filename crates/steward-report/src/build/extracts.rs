//! The table-sized reports, inventory and sign-ins, whose rows stream from the cache while the
//! writer runs.

use super::*;

/// Runs one of the core's streaming reads, handing each row on to `each`. An error from `each`
/// (a cancel, a full disk) stops the read and comes back as it was, not as a core error.
fn relay(
    each: &mut dyn FnMut(Vec<Cell>) -> Result<()>,
    read: impl FnOnce(&mut dyn FnMut(Vec<Cell>) -> steward_core::Result<()>) -> steward_core::Result<()>,
) -> Result<()> {
    let mut failed = None;
    let result = read(&mut |row| {
        each(row).map_err(|e| {
            failed = Some(e);
            steward_core::Error::InvalidInput("the export stopped".into())
        })
    });
    match (failed, result) {
        (Some(f), _) => Err(f),
        (None, r) => Ok(r?),
    }
}

struct InventoryRows {
    key: TenantKey,
}

impl RowSource for InventoryRows {
    fn estimate(&self, conn: &Connection) -> Result<Option<u64>> {
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM service_principals WHERE tenant = ?1 AND deleted IS NULL",
            [self.key.0],
            |r| r.get(0),
        )?;
        Ok(Some(n as u64))
    }

    fn for_each(
        &self,
        conn: &Connection,
        each: &mut dyn FnMut(Vec<Cell>) -> Result<()>,
    ) -> Result<()> {
        relay(each, |read| {
            identities::for_each_identity_record(conn, self.key, None, |r: IdentityRecord| {
                let row = vec![
                    Cell::text(r.id),
                    Cell::text(r.app_id),
                    Cell::text(r.display_name),
                    Cell::opt_text(r.app_display_name),
                    Cell::text(r.kind.as_str()),
                    Cell::text(r.service_principal_type),
                    Cell::text(r.ownership.as_str()),
                    Cell::Bool(r.account_enabled),
                    Cell::opt_text(r.app_owner_organization_id),
                    Cell::opt_text(r.sign_in_audience),
                    opt_ms(r.created_date_time.as_ref()),
                    Cell::Int(r.credential_counts.secrets),
                    Cell::Int(r.credential_counts.certificates),
                    Cell::Int(r.credential_counts.federated),
                    opt_ms(r.last_sign_in_date_time.as_ref()),
                    opt_ms(r.last_successful_sign_in_date_time.as_ref()),
                    Cell::text(r.tags.join("; ")),
                ];
                read(row)
            })
        })
    }
}

pub(super) fn inventory(_conn: &Connection, key: TenantKey, report: &mut Report) -> Result<()> {
    let mut t = Table::new(
        "servicePrincipals",
        "Service principals",
        vec![
            col("id", "Object id", K::Text, 2.2),
            col("appId", "App id", K::Text, 2.2),
            col("displayName", "Display name", K::Text, 2.2),
            col("appDisplayName", "App display name", K::Text, 2.0),
            col("kind", "Kind", K::Text, 1.3),
            col("servicePrincipalType", "Type", K::Text, 1.1),
            col("ownership", "Ownership", K::Text, 1.1),
            col("accountEnabled", "Enabled", K::Bool, 0.6),
            col("appOwnerOrganizationId", "Owner tenant", K::Text, 2.2),
            col("signInAudience", "Audience", K::Text, 1.4),
            col("createdDateTime", "Created", K::DateTime, 1.3),
            col("secrets", "Secrets", K::Integer, 0.6),
            col("certificates", "Certificates", K::Integer, 0.7),
            col("federated", "Federated", K::Integer, 0.7),
            col("lastSignInDateTime", "Last sign-in", K::DateTime, 1.3),
            col(
                "lastSuccessfulSignInDateTime",
                "Last successful sign-in",
                K::DateTime,
                1.3,
            ),
            col("tags", "Tags", K::Text, 1.5),
        ],
    );
    t.rows = Rows::Query(Box::new(InventoryRows { key }));
    report.sections.push(
        Section::new("Service principals")
            .text("Every active service principal of the tenant, sorted by object id; last sign-in comes from the cached sign-in log.")
            .with_table(t),
    );
    report.primary = "servicePrincipals".into();
    Ok(())
}

struct SignInRows {
    key: TenantKey,
    from: i64,
    to: i64,
    sp: Option<String>,
}

impl RowSource for SignInRows {
    fn estimate(&self, conn: &Connection) -> Result<Option<u64>> {
        if self.sp.is_some() {
            return Ok(None);
        }
        Ok(Some(
            sign_ins::estimate_in_range(conn, self.key, self.from, self.to)? as u64,
        ))
    }

    fn for_each(
        &self,
        conn: &Connection,
        each: &mut dyn FnMut(Vec<Cell>) -> Result<()>,
    ) -> Result<()> {
        relay(each, |read| {
            sign_ins::for_each_in_range(
                conn,
                self.key,
                self.from,
                self.to,
                self.sp.as_deref(),
                |s| {
                    let row = vec![
                        Cell::text(s.id),
                        Cell::Time(to_ms(s.created_date_time)),
                        Cell::text(s.sign_in_event_type),
                        Cell::text(s.service_principal_id),
                        Cell::opt_text(s.service_principal_name),
                        Cell::opt_text(s.app_id),
                        Cell::opt_text(s.resource_display_name),
                        Cell::opt_text(s.resource_id),
                        Cell::opt_text(s.ip_address),
                        Cell::opt_text(s.city),
                        Cell::opt_text(s.country_or_region),
                        Cell::Int(s.error_code),
                        Cell::opt_text(s.failure_reason),
                        Cell::opt_text(s.client_credential_type),
                        Cell::opt_text(s.service_principal_credential_key_id),
                        Cell::opt_text(s.service_principal_credential_thumbprint),
                        Cell::opt_text(s.federated_credential_id),
                        Cell::opt_text(s.conditional_access_status),
                    ];
                    read(row)
                },
            )
        })
    }
}

pub(super) fn sign_in_extract(
    conn: &Connection,
    key: TenantKey,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    sp: Option<String>,
    report: &mut Report,
) -> Result<()> {
    if from > to {
        return Err(Error::InvalidInput(format!(
            "the period starts ({}) after it ends ({}); give --from a date before --to",
            rfc3339(from),
            rfc3339(to)
        )));
    }
    report.period = Some((to_ms(from), to_ms(to)));
    report.facts.push((
        "Period".into(),
        format!(
            "{} to {}",
            crate::text::as_of_text(from),
            crate::text::as_of_text(to)
        ),
    ));
    if let Some(id) = &sp {
        let name: Option<String> = conn
            .query_row(
                "SELECT display_name FROM service_principals WHERE tenant = ?1 AND id = ?2",
                rusqlite::params![key.0, id],
                |r| r.get(0),
            )
            .ok();
        let Some(name) = name else {
            return Err(steward_core::Error::UnknownServicePrincipal {
                tenant: report.tenant_id.clone(),
                id: id.clone(),
            }
            .into());
        };
        report
            .facts
            .push(("Service principal".into(), format!("{name} ({id})")));
    }
    let mut t = Table::new(
        "signIns",
        "Sign-ins",
        vec![
            col("id", "Sign-in id", K::Text, 2.2),
            col("createdDateTime", "Time", K::DateTime, 1.3),
            col("signInEventType", "Event type", K::Text, 1.1),
            col("servicePrincipalId", "Service principal id", K::Text, 2.2),
            col("servicePrincipalName", "Service principal", K::Text, 1.8),
            col("appId", "App id", K::Text, 2.2),
            col("resourceDisplayName", "Resource", K::Text, 1.6),
            col("resourceId", "Resource app id", K::Text, 2.2),
            col("ipAddress", "IP address", K::Text, 1.2),
            col("city", "City", K::Text, 1.0),
            col("countryOrRegion", "Country", K::Text, 0.6),
            col("errorCode", "Error code", K::Integer, 0.8),
            col("failureReason", "Failure reason", K::Text, 2.5),
            col("clientCredentialType", "Credential type", K::Text, 1.2),
            col(
                "servicePrincipalCredentialKeyId",
                "Credential key id",
                K::Text,
                2.2,
            ),
            col(
                "servicePrincipalCredentialThumbprint",
                "Thumbprint",
                K::Text,
                2.2,
            ),
            col(
                "federatedCredentialId",
                "Federated credential id",
                K::Text,
                2.2,
            ),
            col(
                "conditionalAccessStatus",
                "Conditional access",
                K::Text,
                1.1,
            ),
        ],
    );
    t.rows = Rows::Query(Box::new(SignInRows {
        key,
        from: to_ms(from),
        to: to_ms(to),
        sp,
    }));
    report.sections.push(
        Section::new("Sign-ins")
            .text("Service-principal and managed-identity sign-ins from the cache, oldest first. Error code 0 is a success.")
            .with_table(t),
    );
    report.primary = "signIns".into();
    Ok(())
}
