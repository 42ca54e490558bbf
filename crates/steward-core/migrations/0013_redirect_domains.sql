-- Schema 13: whether the host names in the tenant's own redirect URIs still resolve, as a sync
-- that was asked to look found them (the admin's DNS resolver, at sync time). A name that no
-- longer resolves is a dangling domain anyone may register or claim; the verdict is kept so the
-- check stays offline. A host never looked up has no row: it is not judged.
CREATE TABLE redirect_domains (
    tenant   INTEGER NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
    host     TEXT NOT NULL,
    -- 1: it resolved; 0: the resolver answered that the name has no address.
    resolves INTEGER NOT NULL,
    -- When it was looked up (ms since the epoch).
    checked  INTEGER NOT NULL,
    PRIMARY KEY (tenant, host)
) WITHOUT ROWID;
