-- Schema 8: the tenant's app and consent policies and its pending consent requests, as Graph
-- returned them (keys sorted). Tenant-wide checks read them; they are few and small, so they are
-- kept whole rather than taken apart into columns.
CREATE TABLE tenant_policies (
    tenant INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    -- The dataset: authorizationPolicy, adminConsentRequestPolicy, defaultAppManagementPolicy,
    -- appManagementPolicies or appConsentRequests.
    kind   TEXT NOT NULL,
    -- Graph's id; a single object without one (adminConsentRequestPolicy) takes its kind.
    id     TEXT NOT NULL,
    json   TEXT NOT NULL,
    PRIMARY KEY (tenant, kind, id)
) WITHOUT ROWID;
