-- Steward cache schema, version 1. Never edit a shipped migration: add the next number.
-- Every instant is INTEGER milliseconds since the Unix epoch (UTC).

-- One row per tenant. `key` is the compact integer every other table references.
CREATE TABLE tenants (
    key            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    default_domain TEXT,
    is_demo        INTEGER NOT NULL DEFAULT 0,
    -- 'loading' while a demo is being written in chunks, 'ready' once complete.
    state          TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('loading', 'ready')),
    data_as_of     INTEGER
);

-- Repeated strings of the sign-in log (GUIDs, IPs, places, reasons) stored once.
CREATE TABLE strings (
    id    INTEGER PRIMARY KEY,
    value TEXT NOT NULL UNIQUE
);

CREATE TABLE applications (
    tenant                       INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id                           TEXT NOT NULL,
    app_id                       TEXT NOT NULL,
    display_name                 TEXT NOT NULL,
    sign_in_audience             TEXT,
    publisher_domain             TEXT,
    created                      INTEGER,
    deleted                      INTEGER,
    disabled_by_microsoft_status TEXT,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX applications_by_app_id ON applications(tenant, app_id);

CREATE TABLE service_principals (
    tenant                       INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id                           TEXT NOT NULL,
    app_id                       TEXT NOT NULL,
    display_name                 TEXT NOT NULL,
    app_display_name             TEXT,
    service_principal_type       TEXT NOT NULL,
    app_owner_organization_id    TEXT,
    account_enabled              INTEGER NOT NULL,
    sign_in_audience             TEXT,
    created                      INTEGER,
    deleted                      INTEGER,
    tags                         TEXT NOT NULL DEFAULT '[]',   -- JSON array
    alternative_names            TEXT NOT NULL DEFAULT '[]',   -- JSON array
    agent_identity_blueprint_id  TEXT,
    disabled_by_microsoft_status TEXT,
    -- Derived at write time (model::IdentityKind / model::Ownership) so lists filter on an index.
    kind                         TEXT NOT NULL,
    ownership                    TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
-- Lists page through active identities by name: `deleted` leads so that counting and skipping
-- never leave the index.
CREATE INDEX service_principals_by_name ON service_principals(tenant, deleted, display_name COLLATE NOCASE, id);
-- The same order within one kind or one ownership class, for the grid's filters, and the counts
-- the overview groups by without reading the table.
CREATE INDEX service_principals_by_kind ON service_principals(tenant, deleted, kind, display_name COLLATE NOCASE, id);
CREATE INDEX service_principals_by_ownership ON service_principals(tenant, deleted, ownership, display_name COLLATE NOCASE, id);
CREATE INDEX service_principals_by_class ON service_principals(tenant, deleted, kind, ownership, account_enabled);
CREATE INDEX service_principals_by_app_id ON service_principals(tenant, app_id);

-- Secrets and certificates of applications and service principals. Never the secret itself.
CREATE TABLE credentials (
    tenant          INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    owner_id        TEXT NOT NULL,      -- application or service principal object id
    key_id          TEXT NOT NULL,
    owner_type      TEXT NOT NULL CHECK (owner_type IN ('application', 'servicePrincipal')),
    -- 1 while the holding object is soft-deleted: expiry counts then skip it without a join.
    owner_deleted   INTEGER NOT NULL DEFAULT 0,
    credential_type TEXT NOT NULL CHECK (credential_type IN ('secret', 'certificate')),
    display_name    TEXT,
    hint            TEXT,
    thumbprint      TEXT,               -- customKeyIdentifier of a certificate
    key_type        TEXT,
    usage           TEXT,
    start_time      INTEGER,
    end_time        INTEGER,
    PRIMARY KEY (tenant, owner_id, key_id)
) WITHOUT ROWID;
CREATE INDEX credentials_by_end ON credentials(tenant, owner_deleted, end_time);

CREATE TABLE federated_credentials (
    tenant         INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    application_id TEXT NOT NULL,
    name           TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    subject        TEXT,
    audiences      TEXT NOT NULL DEFAULT '[]',   -- JSON array
    description    TEXT,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX federated_credentials_by_app ON federated_credentials(tenant, application_id);

CREATE TABLE owners (
    tenant       INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    object_id    TEXT NOT NULL,
    owner_id     TEXT NOT NULL,
    relation     TEXT NOT NULL CHECK (relation IN ('owner', 'sponsor')),
    owner_type   TEXT NOT NULL,
    display_name TEXT NOT NULL,
    PRIMARY KEY (tenant, object_id, relation, owner_id)
) WITHOUT ROWID;

CREATE TABLE app_role_assignments (
    tenant                INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id                    TEXT NOT NULL,
    principal_id          TEXT NOT NULL,
    resource_id           TEXT NOT NULL,
    resource_display_name TEXT NOT NULL,
    app_role_id           TEXT NOT NULL,
    permission            TEXT,
    created               INTEGER,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX app_role_assignments_by_principal ON app_role_assignments(tenant, principal_id);

CREATE TABLE directory_role_assignments (
    tenant             INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id                 TEXT NOT NULL,
    principal_id       TEXT NOT NULL,
    role_definition_id TEXT NOT NULL,
    role_display_name  TEXT NOT NULL,
    directory_scope_id TEXT NOT NULL DEFAULT '/',
    is_privileged      INTEGER NOT NULL,
    assignment_type    TEXT NOT NULL CHECK (assignment_type IN ('active', 'eligible')),
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX directory_role_assignments_by_principal ON directory_role_assignments(tenant, principal_id);

-- Service-principal and managed-identity sign-ins. Keys arrive in time order so inserts append
-- to the B-tree; repeated strings are references into `strings` (see performance-notes.md).
CREATE TABLE sign_ins (
    tenant          INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    created         INTEGER NOT NULL,
    id              BLOB NOT NULL,      -- the GUID as 16 bytes, or its UTF-8 text when not a GUID
    event_type      INTEGER NOT NULL,   -- 0 servicePrincipal, 1 managedIdentity
    sp              INTEGER NOT NULL,   -- strings: servicePrincipalId
    sp_name         INTEGER,
    app             INTEGER,
    resource_app    INTEGER,
    resource_sp     INTEGER,
    resource_name   INTEGER,
    ip              INTEGER,
    city            INTEGER,
    state           INTEGER,
    country         INTEGER,
    error_code      INTEGER NOT NULL,
    failure_reason  INTEGER,
    credential_type INTEGER,
    key_id          INTEGER,
    thumbprint      INTEGER,
    federated_id    INTEGER,
    ca_status       INTEGER,
    PRIMARY KEY (tenant, created, id)
) WITHOUT ROWID;
CREATE INDEX sign_ins_by_sp ON sign_ins(tenant, sp, created);

-- Roll-ups kept current at ingest, so screens never scan the sign-in log.
CREATE TABLE sign_in_days (
    tenant   INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    day      INTEGER NOT NULL,          -- days since the Unix epoch (UTC)
    success  INTEGER NOT NULL,
    failure  INTEGER NOT NULL,
    PRIMARY KEY (tenant, day)
) WITHOUT ROWID;

CREATE TABLE sign_in_activity (
    tenant       INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    sp_id        TEXT NOT NULL,
    last_any     INTEGER NOT NULL,
    last_success INTEGER,
    total        INTEGER NOT NULL,
    failures     INTEGER NOT NULL,
    PRIMARY KEY (tenant, sp_id)
) WITHOUT ROWID;
