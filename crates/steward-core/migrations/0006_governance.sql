-- Schema 6: what else the sync reads about workload identities.

-- Delegated permissions granted to clients (`oauth2PermissionGrants`): for all users
-- (`AllPrincipals`, admin consent) or for one user (`Principal`).
CREATE TABLE oauth2_permission_grants (
    tenant       INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    client_id    TEXT NOT NULL,        -- the client service principal's object id
    consent_type TEXT NOT NULL,        -- AllPrincipals | Principal
    principal_id TEXT,                 -- the user, for Principal grants
    resource_id  TEXT NOT NULL,        -- the API's service principal object id
    scope        TEXT NOT NULL,        -- space-separated delegated permissions
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX oauth2_permission_grants_client ON oauth2_permission_grants (tenant, client_id);

-- Conditional access policies, as Graph returned them (keys sorted), with the fields lists and
-- filters need taken out.
CREATE TABLE conditional_access_policies (
    tenant                      INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id                          TEXT NOT NULL,
    display_name                TEXT NOT NULL,
    state                       TEXT NOT NULL,   -- enabled | disabled | enabledForReportingButNotEnforced
    created                     INTEGER,
    modified                    INTEGER,
    targets_workload_identities INTEGER NOT NULL, -- conditions.clientApplications is set
    policy                      TEXT NOT NULL,   -- the whole policy (JSON)
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

-- Directory audit events of the ApplicationManagement category: who added or removed a
-- credential, consented, changed an app, and when. Kept beyond Graph's 30 days, like sign-ins.
CREATE TABLE directory_audits (
    tenant            INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id                TEXT NOT NULL,
    activity_time     INTEGER NOT NULL,
    activity          TEXT NOT NULL,      -- activityDisplayName
    operation_type    TEXT,
    result            TEXT,
    result_reason     TEXT,
    initiated_by_type TEXT,               -- user | app
    initiated_by_id   TEXT,
    initiated_by      TEXT,               -- the user's UPN or the app's name
    target_id         TEXT,
    target_type       TEXT,
    target_name       TEXT,
    modified          TEXT NOT NULL DEFAULT '[]', -- [{displayName, oldValue, newValue}] (JSON)
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX directory_audits_target ON directory_audits (tenant, target_id, activity_time);
CREATE INDEX directory_audits_time ON directory_audits (tenant, activity_time);
