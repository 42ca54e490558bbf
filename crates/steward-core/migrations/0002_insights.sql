-- Steward cache schema, version 2: what the insights (recommendations, licensing, risk,
-- dashboard) read. Roll-ups are kept at ingest by store::sign_ins::SignInWriter and back-filled
-- here once from the sign-ins already held.

-- Last use of each credential seen in the cached sign-ins (servicePrincipalCredentialKeyId).
CREATE TABLE credential_activity (
    tenant       INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    key_id       TEXT NOT NULL,
    last_used    INTEGER NOT NULL,
    last_success INTEGER,
    total        INTEGER NOT NULL,
    PRIMARY KEY (tenant, key_id)
) WITHOUT ROWID;

-- Last time any client obtained a token for a resource service principal.
CREATE TABLE resource_activity (
    tenant       INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    sp_id        TEXT NOT NULL,
    last_used    INTEGER NOT NULL,
    total        INTEGER NOT NULL,
    PRIMARY KEY (tenant, sp_id)
) WITHOUT ROWID;

-- Failed sign-ins per service principal and AADSTS code.
CREATE TABLE failure_codes (
    tenant     INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    sp_id      TEXT NOT NULL,
    error_code INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    PRIMARY KEY (tenant, sp_id, error_code)
) WITHOUT ROWID;
CREATE INDEX failure_codes_by_code ON failure_codes(tenant, error_code, last_seen);

-- Failed sign-ins per UTC day and AADSTS code.
CREATE TABLE failure_days (
    tenant     INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    day        INTEGER NOT NULL,
    error_code INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (tenant, day, error_code)
) WITHOUT ROWID;

-- Graph's beta reports/servicePrincipalSignInActivities: last use per application (appId),
-- reaching back further than the 30-day sign-in log.
CREATE TABLE sp_sign_in_activities (
    tenant              INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    app_id              TEXT NOT NULL,
    id                  TEXT,
    last_sign_in        INTEGER,
    app_client          INTEGER,   -- applicationAuthenticationClientSignInActivity
    app_resource        INTEGER,   -- applicationAuthenticationResourceSignInActivity
    delegated_client    INTEGER,
    delegated_resource  INTEGER,
    PRIMARY KEY (tenant, app_id)
) WITHOUT ROWID;

-- Graph's beta reports/appCredentialSignInActivities: last use per credential (keyId).
CREATE TABLE credential_sign_in_activities (
    tenant                      INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    key_id                      TEXT NOT NULL,
    id                          TEXT,
    app_id                      TEXT,
    app_object_id               TEXT,
    service_principal_object_id TEXT,
    credential_origin           TEXT,
    key_type                    TEXT,
    last_sign_in                INTEGER,
    PRIMARY KEY (tenant, key_id)
) WITHOUT ROWID;

-- Which Graph datasets the cache holds for a tenant, and since when.
CREATE TABLE datasets (
    tenant    INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    synced_at INTEGER NOT NULL,
    status    TEXT NOT NULL CHECK (status IN ('ok', 'unavailable', 'failed')),
    detail    TEXT,
    PRIMARY KEY (tenant, name)
) WITHOUT ROWID;

-- GET /subscribedSkus, plus the trial state of GET /directory/subscriptions where known.
CREATE TABLE subscribed_skus (
    tenant            INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    sku_id            TEXT NOT NULL,
    sku_part_number   TEXT NOT NULL,
    capability_status TEXT NOT NULL,
    prepaid_enabled   INTEGER NOT NULL,
    consumed_units    INTEGER NOT NULL,
    service_plan_ids  TEXT NOT NULL DEFAULT '[]',   -- JSON array of servicePlanId
    is_trial          INTEGER NOT NULL DEFAULT 0,
    next_lifecycle    INTEGER,                      -- when a trial ends or a term renews
    PRIMARY KEY (tenant, sku_id)
) WITHOUT ROWID;

-- The status an admin gave a recommendation; kept across re-syncs (they upsert the tenant).
CREATE TABLE recommendation_states (
    tenant              INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    recommendation_type TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('active', 'dismissed', 'postponed', 'completed')),
    postpone_until      INTEGER,
    completed_ids       TEXT NOT NULL DEFAULT '[]',  -- impacted ids when marked completed
    updated             INTEGER NOT NULL,
    PRIMARY KEY (tenant, recommendation_type)
) WITHOUT ROWID;

-- The license planner's inputs per tenant.
CREATE TABLE license_settings (
    tenant      INTEGER PRIMARY KEY REFERENCES tenants(key) ON DELETE CASCADE,
    price       REAL NOT NULL,
    currency    TEXT NOT NULL,
    trial_start INTEGER,
    growth_pct  REAL NOT NULL
);

CREATE TABLE license_scenarios (
    tenant     INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id         INTEGER NOT NULL,
    name       TEXT NOT NULL,
    basis      TEXT NOT NULL,
    adjustment INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, id)
);

-- Service principals an admin put in license scope: managed identities in access reviews, or
-- identities picked for the feature-scoped estimate.
CREATE TABLE license_scope (
    tenant INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    sp_id  TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('accessReview', 'picked')),
    PRIMARY KEY (tenant, sp_id, reason)
) WITHOUT ROWID;

-- High-risk permission holders are found by permission name.
CREATE INDEX app_role_assignments_by_permission ON app_role_assignments(tenant, permission);

-- Back-fill the new roll-ups from the sign-ins a version-1 cache already holds.
INSERT INTO credential_activity (tenant, key_id, last_used, last_success, total)
SELECT s.tenant, k.value, max(s.created), max(CASE WHEN s.error_code = 0 THEN s.created END), count(*)
FROM sign_ins s JOIN strings k ON k.id = s.key_id
GROUP BY s.tenant, k.value;

INSERT INTO resource_activity (tenant, sp_id, last_used, total)
SELECT s.tenant, r.value, max(s.created), count(*)
FROM sign_ins s JOIN strings r ON r.id = s.resource_sp
GROUP BY s.tenant, r.value;

INSERT INTO failure_codes (tenant, sp_id, error_code, count, first_seen, last_seen)
SELECT s.tenant, p.value, s.error_code, count(*), min(s.created), max(s.created)
FROM sign_ins s JOIN strings p ON p.id = s.sp
WHERE s.error_code <> 0
GROUP BY s.tenant, p.value, s.error_code;

INSERT INTO failure_days (tenant, day, error_code, count)
SELECT tenant, created / 86400000, error_code, count(*)
FROM sign_ins WHERE error_code <> 0
GROUP BY tenant, created / 86400000, error_code;
