-- Steward cache schema, version 3: risk (Identity Protection data and Steward's local signals)
-- and the dashboard's per-identity day counts. Roll-ups are kept at ingest by
-- store::sign_ins::SignInWriter and back-filled here once from the sign-ins already held.

-- The first sign-in of each identity: where its behavioural baseline starts.
ALTER TABLE sign_in_activity ADD COLUMN first_any INTEGER;
UPDATE sign_in_activity SET first_any = (
    SELECT min(s.created) FROM sign_ins s JOIN strings sp ON sp.id = s.sp
    WHERE s.tenant = sign_in_activity.tenant AND sp.value = sign_in_activity.sp_id);

-- What each identity has been seen doing, one row per distinct value: when it first and last
-- appeared and how often. Local risk signals ("new country", "new IP range", …) are the rows whose
-- first appearance falls in the detection window after a baseline.
-- kind: 1 IP address (label: its country, which is how countries are known), 2 resource
-- (value: its appId; label: its display name), 3 credential type, 4 credential key id.
CREATE TABLE sign_in_features (
    tenant     INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    sp_id      TEXT NOT NULL,
    kind       INTEGER NOT NULL,
    value      TEXT NOT NULL,
    label      TEXT,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (tenant, kind, sp_id, value)
) WITHOUT ROWID;
-- Ingest rewrites first_seen only when it moves earlier, so this index costs little to keep.
CREATE INDEX sign_in_features_by_first ON sign_in_features(tenant, first_seen);

-- Invalid-credential failures (AADSTS7000215 invalid secret, 7000222 expired secret) per
-- identity and UTC hour: what a burst is measured on.
CREATE TABLE credential_failure_hours (
    tenant  INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    sp_id   TEXT NOT NULL,
    hour    INTEGER NOT NULL,       -- hours since the Unix epoch (UTC)
    count   INTEGER NOT NULL,
    PRIMARY KEY (tenant, sp_id, hour)
) WITHOUT ROWID;
CREATE INDEX credential_failure_hours_by_hour ON credential_failure_hours(tenant, hour);

-- Sign-ins per identity per UTC day, for "top identities" over a time range: candidates come
-- from sign_in_activity by all-time total (an upper bound of any range's count), each summed
-- over the range here, until no remaining candidate can enter the top.
CREATE TABLE sp_sign_in_days (
    tenant  INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    sp_id   TEXT NOT NULL,
    day     INTEGER NOT NULL,
    success INTEGER NOT NULL,
    failure INTEGER NOT NULL,
    PRIMARY KEY (tenant, sp_id, day)
) WITHOUT ROWID;
CREATE INDEX sign_in_activity_by_total ON sign_in_activity(tenant, total);

-- GET /identityProtection/riskyServicePrincipals
CREATE TABLE risky_service_principals (
    tenant                 INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id                     TEXT NOT NULL,
    app_id                 TEXT,
    display_name           TEXT,
    service_principal_type TEXT,
    is_enabled             INTEGER,
    is_processing          INTEGER,
    risk_level             TEXT NOT NULL,
    risk_state             TEXT NOT NULL,
    risk_detail            TEXT NOT NULL,
    risk_last_updated      INTEGER,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

-- GET /identityProtection/riskyServicePrincipals/{id}/history, and the admin's own actions.
CREATE TABLE risky_service_principal_history (
    tenant       INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    sp_id        TEXT NOT NULL,
    id           TEXT NOT NULL,
    at           INTEGER NOT NULL,
    risk_level   TEXT NOT NULL,
    risk_state   TEXT NOT NULL,
    risk_detail  TEXT NOT NULL,
    initiated_by TEXT,
    PRIMARY KEY (tenant, sp_id, id)
) WITHOUT ROWID;

-- GET /identityProtection/servicePrincipalRiskDetections
CREATE TABLE sp_risk_detections (
    tenant                INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id                    TEXT NOT NULL,
    sp_id                 TEXT NOT NULL,
    display_name          TEXT,
    app_id                TEXT,
    risk_event_type       TEXT NOT NULL,
    risk_state            TEXT NOT NULL,
    risk_level            TEXT NOT NULL,
    risk_detail           TEXT NOT NULL,
    source                TEXT,
    detection_timing_type TEXT,
    activity              TEXT,
    ip_address            TEXT,
    city                  TEXT,
    country               TEXT,
    activity_at           INTEGER,
    detected_at           INTEGER,
    last_updated_at       INTEGER,
    key_ids               TEXT NOT NULL,  -- JSON array of key credential ids
    request_id            TEXT,
    correlation_id        TEXT,
    additional_info       TEXT,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX sp_risk_detections_by_sp ON sp_risk_detections(tenant, sp_id);

-- GET /identity/conditionalAccess/namedLocations (ipNamedLocation and countryNamedLocation).
CREATE TABLE named_locations (
    tenant          INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    display_name    TEXT NOT NULL,
    kind            TEXT NOT NULL,       -- ip | country
    is_trusted      INTEGER NOT NULL,
    ranges          TEXT NOT NULL,       -- JSON array of CIDR strings (ip)
    countries       TEXT NOT NULL,       -- JSON array of ISO 3166 codes (country)
    include_unknown INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

-- The admin's risk decisions per identity: confirmCompromised and dismiss (to be pushed to
-- Graph's riskyServicePrincipals actions; pushed_at stays NULL until a sync has done so) and
-- remediated (Steward's own). The latest decision covers every signal detected before it.
CREATE TABLE risk_actions (
    tenant    INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    sp_id     TEXT NOT NULL,
    at        INTEGER NOT NULL,
    action    TEXT NOT NULL,            -- confirmCompromised | dismiss | remediated
    pushed_at INTEGER,
    PRIMARY KEY (tenant, sp_id, at)
) WITHOUT ROWID;

-- The bare column beside max() takes its value from the row holding the maximum.
INSERT INTO sign_in_features (tenant, sp_id, kind, value, label, first_seen, last_seen, count)
SELECT s.tenant, sp.value, 1, ip.value, (SELECT value FROM strings WHERE id = s.country),
    min(s.created), max(s.created), count(*)
FROM sign_ins s JOIN strings sp ON sp.id = s.sp JOIN strings ip ON ip.id = s.ip
GROUP BY s.tenant, sp.value, ip.value;

INSERT INTO sign_in_features (tenant, sp_id, kind, value, label, first_seen, last_seen, count)
SELECT s.tenant, sp.value, 2, r.value, (SELECT value FROM strings WHERE id = s.resource_name),
    min(s.created), max(s.created), count(*)
FROM sign_ins s JOIN strings sp ON sp.id = s.sp JOIN strings r ON r.id = s.resource_app
GROUP BY s.tenant, sp.value, r.value;

INSERT INTO sign_in_features (tenant, sp_id, kind, value, label, first_seen, last_seen, count)
SELECT s.tenant, sp.value, 3, c.value, NULL, min(s.created), max(s.created), count(*)
FROM sign_ins s JOIN strings sp ON sp.id = s.sp JOIN strings c ON c.id = s.credential_type
GROUP BY s.tenant, sp.value, c.value;

INSERT INTO sign_in_features (tenant, sp_id, kind, value, label, first_seen, last_seen, count)
SELECT s.tenant, sp.value, 4, k.value, NULL, min(s.created), max(s.created), count(*)
FROM sign_ins s JOIN strings sp ON sp.id = s.sp JOIN strings k ON k.id = s.key_id
GROUP BY s.tenant, sp.value, k.value;

INSERT INTO credential_failure_hours (tenant, sp_id, hour, count)
SELECT s.tenant, sp.value, s.created / 3600000, count(*)
FROM sign_ins s JOIN strings sp ON sp.id = s.sp
WHERE s.error_code IN (7000215, 7000222)
GROUP BY s.tenant, sp.value, s.created / 3600000;

INSERT INTO sp_sign_in_days (tenant, day, sp_id, success, failure)
SELECT s.tenant, s.created / 86400000, sp.value, sum(s.error_code = 0), sum(s.error_code <> 0)
FROM sign_ins s JOIN strings sp ON sp.id = s.sp
GROUP BY s.tenant, s.created / 86400000, sp.value;

-- GET /beta/directory/recommendations and their impactedResources: Entra's own recommendations
-- as Entra computed them, shown beside Steward's.
CREATE TABLE directory_recommendations (
    tenant              INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id                  TEXT NOT NULL,
    recommendation_type TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    status              TEXT NOT NULL,
    priority            TEXT NOT NULL,
    insights            TEXT,
    benefits            TEXT,
    action_steps        TEXT NOT NULL,    -- JSON array of step texts, in order
    last_checked        INTEGER,
    postpone_until      INTEGER,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

CREATE TABLE directory_recommendation_resources (
    tenant             INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    recommendation_id  TEXT NOT NULL,
    id                 TEXT NOT NULL,
    subject_id         TEXT,
    resource_type      TEXT,
    display_name       TEXT NOT NULL,
    status             TEXT NOT NULL,
    added              INTEGER,
    portal_url         TEXT,
    additional_details TEXT NOT NULL,     -- JSON array of {key, value}
    PRIMARY KEY (tenant, recommendation_id, id)
) WITHOUT ROWID;
