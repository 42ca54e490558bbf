-- Schema 4: where each dataset's sync from Graph stands. A page's rows and the position after it
-- are committed in one transaction, so a sync killed at any instant resumes where it stopped.
CREATE TABLE sync_state (
    tenant        INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    dataset       TEXT NOT NULL,
    -- The page to fetch next (Graph's @odata.nextLink); NULL when no round is in progress.
    next_link     TEXT,
    -- A round in progress started at this instant (ms); NULL when none is.
    round_started INTEGER,
    -- Sign-ins: the window the round fetches (ms, inclusive).
    window_from   INTEGER,
    window_to     INTEGER,
    -- Sign-ins: the end of the last window read completely.
    done_to       INTEGER,
    -- The last round that completed (ms), and how many items it read.
    completed_at  INTEGER,
    items         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, dataset)
) WITHOUT ROWID;

-- The ids a full read of a collection has seen so far in its round: what the round ends without
-- seeing is gone from the tenant.
CREATE TABLE sync_seen (
    tenant  INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    dataset TEXT NOT NULL,
    id      TEXT NOT NULL,
    PRIMARY KEY (tenant, dataset, id)
) WITHOUT ROWID;
