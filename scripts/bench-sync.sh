#!/usr/bin/env bash
# Benchmark of a full sync against the Graph simulator (prints figures; asserts nothing).
#
#   scripts/bench-sync.sh [SERVICE_PRINCIPALS] [SIGN_INS] [extra graph-sim flags…]
#
# Builds both binaries in release, starts graph-sim on loopback with a generated tenant, runs one
# full `steward sync` into a fresh cache and prints wall time, the client's CPU time and peak
# RSS, sign-ins read per second of client CPU, and cache bytes per sign-in. Pass
# `--graph-limits` (and `--limits-scale`) to measure against Graph's throttling instead.
set -euo pipefail
cd "$(dirname "$0")/.."
SPS=${1:-110000}
SIGN_INS=${2:-1000000}
shift $(( $# > 2 ? 2 : $# ))
cargo build --release --quiet -p steward-cli -p graph-sim
work=$(mktemp -d)
trap 'kill "$sim" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(( 20000 + RANDOM % 20000 ))
target/release/graph-sim --port "$port" --db "$work/sim.db" --service-principals "$SPS" \
    --sign-ins "$SIGN_INS" "$@" >"$work/sim.log" 2>&1 &
sim=$!
for _ in $(seq 1 600); do grep -q serving "$work/sim.log" && break; sleep 1; done
tenant=$(grep -o 'tenant [0-9a-f-]*' "$work/sim.log" | cut -d' ' -f2)
url="http://127.0.0.1:$port"
export STEWARD_CLIENT_SECRET=sim-secret STEWARD_SECRET_STORE=none
/usr/bin/time -f '%e %U %S %M' -o "$work/time" target/release/steward --db "$work/cache.db" \
    sync --tenant "$tenant" --client-id 11111111-2222-4333-8444-555555555555 \
    --graph-url "$url" --authority-url "$url" --sign-in-days 90 --json >"$work/summary.json"
read -r wall user sys rss <"$work/time"
python3 - "$work" "$wall" "$user" "$sys" "$rss" <<'PY'
import json, os, sqlite3, sys
work, wall, user, sys_, rss = sys.argv[1], *map(float, sys.argv[2:])
summary = json.load(open(f"{work}/summary.json"))
n = sum(d["items"] for d in summary["datasets"] if d["dataset"] == "signIns")
size = sum(os.path.getsize(f"{work}/{f}") for f in os.listdir(work) if f.startswith("cache.db"))
cpu = user + sys_
print(f"datasets: " + ", ".join(f"{d['dataset']} {d['items']}" for d in summary["datasets"]))
print(f"wall {wall:.1f} s, client CPU {cpu:.1f} s, peak RSS {rss/1024:.0f} MB, retries {summary['retries']}")
if n:
    db = sqlite3.connect(f"{work}/cache.db")
    names = ("sign_ins", "sign_ins_by_sp", "sign_in_days", "sign_in_activity", "sign_in_activity_by_total",
             "credential_activity", "resource_activity", "failure_codes", "failure_codes_by_code",
             "failure_days", "sign_in_features", "sign_in_features_by_first", "credential_failure_hours",
             "credential_failure_hours_by_hour", "sp_sign_in_days", "strings", "sqlite_autoindex_strings_1")
    try:
        kept = db.execute(f"SELECT sum(pgsize) FROM dbstat WHERE name IN ({','.join('?' * len(names))})",
                          names).fetchone()[0]
        log = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name IN ('sign_ins', 'sign_ins_by_sp')").fetchone()[0]
        per = f"{kept/n:.0f} bytes per sign-in with its roll-ups and strings ({log/n:.0f} for the log and its index)"
    except sqlite3.OperationalError:
        per = f"{size/n:.0f} bytes of the whole cache per sign-in (this Python's SQLite has no dbstat)"
    print(f"{n} sign-ins: {n/cpu:,.0f} per second of client CPU; {per}")
print(f"cache file {size/1e6:.0f} MB")
PY
