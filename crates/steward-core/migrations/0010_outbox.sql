-- Schema 10: changes made in Steward, queued for Microsoft Graph, and Steward's own audit trail.

-- The outbox: every change an admin makes, in the order made. The cache shows the change at once;
-- a push sends the items to Graph in `id` order. `change` is the change as JSON (what to send,
-- and the version of the object the admin's edit was based on), never a secret's value.
CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant              INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    action              TEXT NOT NULL,
    target_id           TEXT NOT NULL,
    target_display_name TEXT NOT NULL,
    change              TEXT NOT NULL,
    created             INTEGER NOT NULL,
    updated             INTEGER NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'pushed', 'failed', 'conflict')),
    -- Why an item failed or stopped as a conflict, and what to do.
    message             TEXT,
    -- At a conflict, Entra's version of the object (JSON); after a push, what Graph answered
    -- (the created object's id).
    remote              TEXT
);
CREATE INDEX outbox_by_tenant ON outbox(tenant, id);

-- Steward's own actions: who, when, what, on which object, and how it ended.
CREATE TABLE audit_trail (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant              INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    at                  INTEGER NOT NULL,
    actor               TEXT NOT NULL,
    action              TEXT NOT NULL,
    target_id           TEXT NOT NULL,
    target_display_name TEXT NOT NULL,
    outbox_id           INTEGER,
    result              TEXT NOT NULL,
    detail              TEXT
);
CREATE INDEX audit_trail_by_tenant ON audit_trail(tenant, at, id);

-- What an admin edits on an app registration: its notes and tags (JSON array).
ALTER TABLE applications ADD COLUMN notes TEXT;
ALTER TABLE applications ADD COLUMN tags TEXT;
-- Delta links carry the old `$select`: the next sync reads applications in a full round, which
-- fills the new columns.
UPDATE sync_state SET delta_link = NULL, pending_delta = NULL, next_link = NULL,
    round_started = NULL
WHERE dataset = 'applications';

-- Federated credentials' last use: sign-ins count for their federated credential's id in
-- `credential_activity` too (the writer keeps it from now on; this fills in the cached ones).
INSERT INTO credential_activity (tenant, key_id, last_used, last_success, total)
SELECT s.tenant, f.value, max(s.created), max(CASE WHEN s.error_code = 0 THEN s.created END), count(*)
FROM sign_ins s JOIN strings f ON f.id = s.federated_id
WHERE s.federated_id IS NOT NULL AND s.federated_id IS NOT s.key_id
GROUP BY s.tenant, f.value
ON CONFLICT (tenant, key_id) DO UPDATE SET
    last_used = max(last_used, excluded.last_used),
    last_success = CASE WHEN last_success IS NULL THEN excluded.last_success
        WHEN excluded.last_success IS NULL THEN last_success
        ELSE max(last_success, excluded.last_success) END,
    total = total + excluded.total;
