-- Schema 11: access reviews of privileged workload identities, run in Steward.

-- A review: who reviews what, by when, how often, and what happens to items nobody decided.
-- Its items are a snapshot taken when it was created (as Entra takes one when an instance starts).
CREATE TABLE access_reviews (
    tenant            INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    id                TEXT NOT NULL,
    name              TEXT NOT NULL,
    scope             TEXT NOT NULL CHECK (scope IN ('privileged', 'selected')),
    -- The reviewers' names, as the admin typed them (JSON array).
    reviewers         TEXT NOT NULL,
    created           INTEGER NOT NULL,
    created_by        TEXT NOT NULL,
    due               INTEGER NOT NULL,
    recurrence        TEXT NOT NULL,
    default_decision  TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('inProgress', 'completed')),
    completed         INTEGER,
    completed_by      TEXT,
    -- Whether completing it queued the denials' removals in the outbox.
    applied           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

-- One identity under review: the privileged access it held at the snapshot (JSON), what it did
-- lately, Entra's 30-day recommendation, and the decision taken on it.
CREATE TABLE access_review_items (
    tenant                INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    review_id             TEXT NOT NULL,
    sp_id                 TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    access                TEXT NOT NULL,
    last_sign_in          INTEGER,
    last_credential_use   INTEGER,
    recommendation        TEXT NOT NULL,
    recommendation_reason TEXT NOT NULL,
    decision              TEXT NOT NULL DEFAULT 'notReviewed',
    justification         TEXT,
    decided_by            TEXT,
    decided_at            INTEGER,
    -- What completing the review queued for this item (JSON array of change summaries).
    applied               TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (tenant, review_id, sp_id),
    FOREIGN KEY (tenant, review_id) REFERENCES access_reviews(tenant, id)
        ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;
