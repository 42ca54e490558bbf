#!/usr/bin/env python3
"""The Python baseline of the sign-in ingest benchmark: what an admin would script.

Reads service-principal sign-ins from Graph (here graph-sim on loopback) page by page, newest
first, with the standard library only: `urllib` for HTTP, `json` to parse, `sqlite3` with
`executemany` to store, one transaction per page, one text column per kept field, the sign-in's
GUID as primary key and an index on the service principal (WAL, synchronous=NORMAL, as Steward's
cache). Stops after --limit sign-ins. Prints one JSON object: sign-ins, wall seconds, CPU seconds
of this process, and rates.

With --save-pages DIR the first --save-count pages are also written there as Graph sent them
(page-00000.json, ...), outside the measured time: the Rust limits bench reads them.

    bench/baseline.py --url http://127.0.0.1:PORT --tenant TENANT --db /tmp/py.db --limit 500000
"""

import argparse
import json
import os
import sqlite3
import time
import urllib.parse
import urllib.request

FIELDS = (
    "id", "createdDateTime", "appId", "appDisplayName", "servicePrincipalId",
    "servicePrincipalName", "ipAddress", "resourceId", "resourceDisplayName",
    "clientCredentialType", "servicePrincipalCredentialKeyId", "errorCode", "failureReason",
    "countryOrRegion", "city", "riskLevelDuringSignIn", "riskState", "conditionalAccessStatus",
    "correlationId",
)


def token(url, tenant, client_id, secret):
    form = urllib.parse.urlencode({
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": secret,
        "scope": "https://graph.microsoft.com/.default",
    }).encode()
    with urllib.request.urlopen(f"{url}/{tenant}/oauth2/v2.0/token", form) as r:
        return json.load(r)["access_token"]


def row(s):
    status = s.get("status") or {}
    location = s.get("location") or {}
    return (
        s.get("id"), s.get("createdDateTime"), s.get("appId"), s.get("appDisplayName"),
        s.get("servicePrincipalId"), s.get("servicePrincipalName"), s.get("ipAddress"),
        s.get("resourceId"), s.get("resourceDisplayName"), s.get("clientCredentialType"),
        s.get("servicePrincipalCredentialKeyId"), status.get("errorCode"),
        status.get("failureReason"), location.get("countryOrRegion"), location.get("city"),
        s.get("riskLevelDuringSignIn"), s.get("riskState"), s.get("conditionalAccessStatus"),
        s.get("correlationId"),
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--tenant", required=True)
    ap.add_argument("--client-id", default="11111111-2222-4333-8444-555555555555")
    ap.add_argument("--secret", default="sim-secret")
    ap.add_argument("--db", required=True)
    ap.add_argument("--limit", type=int, default=1_000_000)
    ap.add_argument("--save-pages")
    ap.add_argument("--save-count", type=int, default=100)
    a = ap.parse_args()

    db = sqlite3.connect(a.db, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    cols = ", ".join(f"{f} TEXT" for f in FIELDS[1:])
    db.execute(f"CREATE TABLE sign_ins (id TEXT PRIMARY KEY, {cols})")
    db.execute("CREATE INDEX sign_ins_by_sp ON sign_ins (servicePrincipalId, createdDateTime)")
    insert = f"INSERT OR IGNORE INTO sign_ins VALUES ({', '.join('?' * len(FIELDS))})"

    bearer = token(a.url, a.tenant, a.client_id, a.secret)
    next_link = f"{a.url}/beta/auditLogs/signIns?$top=1000"
    n, pages, saved_secs = 0, 0, 0.0
    wall, cpu = time.perf_counter(), time.process_time()
    while next_link and n < a.limit:
        req = urllib.request.Request(next_link, headers={"Authorization": f"Bearer {bearer}"})
        with urllib.request.urlopen(req) as r:
            body = r.read()
        if a.save_pages and pages < a.save_count:
            t = time.perf_counter()
            os.makedirs(a.save_pages, exist_ok=True)
            with open(os.path.join(a.save_pages, f"page-{pages:05d}.json"), "wb") as f:
                f.write(body)
            saved_secs += time.perf_counter() - t
        page = json.loads(body)
        rows = [row(s) for s in page["value"]]
        db.execute("BEGIN")
        db.executemany(insert, rows)
        db.execute("COMMIT")
        n += len(rows)
        pages += 1
        next_link = page.get("@odata.nextLink")
    wall = time.perf_counter() - wall - saved_secs
    cpu = time.process_time() - cpu
    db.close()
    size = sum(os.path.getsize(p) for p in (a.db, a.db + "-wal") if os.path.exists(p))
    print(json.dumps({
        "signIns": n,
        "pages": pages,
        "wallSeconds": wall,
        "cpuSeconds": cpu,
        "perSecond": n / wall if wall else None,
        "perCpuSecond": n / cpu if cpu else None,
        "bytesPerSignIn": size / n if n else None,
    }))


if __name__ == "__main__":
    main()
