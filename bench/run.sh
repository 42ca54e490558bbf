#!/usr/bin/env bash
# Steward's one benchmark: generates the large tenant once (110,000 service principals and
# 10,000,000 sign-ins at --scale 1) in graph-sim, then measures in the same run, and prints as a
# table and writes as JSON (docs/PERFORMANCE.md says what each row means):
#
#   - ingest: a full sync from Graph JSON pages (graph-sim on loopback), an Azure Monitor archive
#     import, the parse-only and insert-only limits on the same pages, and the Python baseline
#     (bench/baseline.py: json + sqlite3 executemany), with the ratios between them;
#   - cache bytes per sign-in (the log, its index, the roll-ups) and per service principal;
#   - peak RSS of the full sync, a CSV export of every sign-in and the recommendations view;
#   - each page's query on the synced cache (the views bench: dashboard, identity grid page and
#     filters, identity detail, recommendations, risk, licensing);
#   - the window's first paint on that cache, through WebDriver (release build, under Xvfb);
#   - a sync with Graph's throttling on, against the floor the throttle sets.
#
#   bench/run.sh [--scale S] [--out FILE] [--no-paint] [--keep DIR]
#
#   --scale S    fraction of the large tenant (default 1; 0.1 is 11,000 SPs and 1,000,000 sign-ins)
#   --out FILE   where the JSON goes (default target/bench/bench.json; the table is printed)
#   --no-paint   skip the first-paint measurement (no release build of the window, no Xvfb)
#   --keep DIR   keep the generated tenant, cache and archive in DIR instead of a temporary folder
#
# Benchmarks are not tests: nothing here runs in scripts/test.sh. Runs on loopback only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scale=1
out="target/bench/bench.json"
paint=1
keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --no-paint) paint=0; shift ;;
        --keep) keep="$2"; shift 2 ;;
        -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown option $1 (see bench/run.sh --help)" >&2; exit 2 ;;
    esac
done

# What the run needs beyond the test command's setup: /usr/bin/time for peak RSS, Python 3.
source scripts/setup.sh
need=()
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
if [ "${#need[@]}" -gt 0 ]; then
    say "Installing ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

read -r sps sign_ins sample lines < <(python3 -c "
s = float('$scale')
n = max(10_000, round(10_000_000 * s))
print(max(300, round(110_000 * s)), n, min(n, 500_000), min(n, 1_000_000))")

if [ -n "$keep" ]; then
    mkdir -p "$keep"
    work="$(cd "$keep" && pwd)"
else
    work="$(mktemp -d)"
fi
parts="$work/parts"
rm -rf "$parts"
mkdir -p "$parts" "$(dirname "$out")"
# The simulators' process ids are kept in files: `sim` runs in a command substitution, a subshell
# whose variables the script never sees.
cleanup() {
    for f in "$work"/*.pid; do
        [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
        rm -f "$f"
    done
    [ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT

# `timed NAME CMD…`: runs CMD and writes NAME.json with its wall and CPU seconds and peak RSS.
timed() {
    local name="$1"
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$parts/$name.time" "$@"
    python3 - "$parts/$name.time" "$parts/$name.json" <<'PY'
import json, sys
wall, user, sys_, rss = open(sys.argv[1]).read().split()[-4:]
json.dump({"wallSeconds": float(wall), "cpuSeconds": float(user) + float(sys_),
           "peakRssMb": int(rss) / 1024}, open(sys.argv[2], "w"))
PY
}

# `sim NAME PORT FLAGS…`: starts graph-sim on PORT and waits until it serves; prints its tenant.
sim() {
    local name="$1" port="$2"
    shift 2
    target/release/graph-sim --port "$port" --db "$work/$name.db" "$@" >"$work/$name.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$work/$name.pid"
    until grep -q serving "$work/$name.log"; do
        kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
        sleep 0.2
    done
    grep -o 'tenant [0-9a-f-]*' "$work/$name.log" | cut -d' ' -f2
}

say "Building the release binaries and benches"
cargo build --release --quiet -p steward-cli -p graph-sim
cargo bench --quiet --no-run -p steward-core --bench views
cargo bench --quiet --no-run -p steward-graph --bench ingest_limits
if [ "$paint" = 1 ]; then
    (cd ui && npm run --silent build >/dev/null)
    cargo build --release --quiet -p steward-desktop
    cargo bench --quiet --no-run -p steward-e2e --bench first_paint
fi

export STEWARD_CLIENT_SECRET=sim-secret STEWARD_SECRET_STORE=none
client=11111111-2222-4333-8444-555555555555
port=$(( 20000 + RANDOM % 20000 ))
url="http://127.0.0.1:$port"

say "Generating the tenant in graph-sim: $sps service principals, $sign_ins sign-ins"
start=$(date +%s.%N)
tenant=$(sim large "$port" --service-principals "$sps" --sign-ins "$sign_ins")
python3 -c "import json; json.dump({'seconds': $(date +%s.%N) - $start, 'servicePrincipals': $sps, 'signIns': $sign_ins, 'scale': $scale}, open('$parts/generate.json', 'w'))"

say "Full sync from Graph JSON pages"
rm -f "$work/cache.db"*
timed sync target/release/steward --db "$work/cache.db" sync --tenant "$tenant" \
    --client-id "$client" --graph-url "$url" --authority-url "$url" --sign-in-days 90 --json \
    >"$parts/sync-summary.json"

say "Cache bytes, by part"
python3 - "$work/cache.db" "$parts/bytes.json" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("SELECT count(*) FROM sign_ins").fetchone()[0]
sps = db.execute("SELECT count(*) FROM service_principals").fetchone()[0]
sizes = dict(db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
tables = dict(db.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"))
def table_of(name):
    if name.startswith("sqlite_autoindex_"):
        return name[len("sqlite_autoindex_"):].rsplit("_", 1)[0]
    return tables.get(name, name)
# The log, its index, its roll-ups (every table the sign-in writer keeps beside the log, and the
# interned strings), and the rest (the directory: identities, credentials, roles, policies...).
log = sizes.get("sign_ins", 0)
index = sum(v for k, v in sizes.items() if k != "sign_ins" and table_of(k) == "sign_ins")
rollup_tables = {"sign_in_days", "sign_in_activity", "credential_activity", "resource_activity",
                 "failure_codes", "failure_days", "sign_in_features", "credential_failure_hours",
                 "sp_sign_in_days", "strings"}
rollups = sum(v for k, v in sizes.items() if table_of(k) in rollup_tables)
total = sum(sizes.values())
rest = total - log - index - rollups
json.dump({"signIns": n, "servicePrincipals": sps, "totalBytes": total,
           "logBytesPerSignIn": log / n, "indexBytesPerSignIn": index / n,
           "rollupBytesPerSignIn": rollups / n, "allInBytesPerSignIn": (log + index + rollups) / n,
           "directoryBytesPerServicePrincipal": rest / sps}, open(sys.argv[2], "w"))
PY

say "Python baseline on the first $sample sign-ins (and the pages the limits are measured on)"
rm -f "$work/python.db"* && rm -rf "$work/pages"
python3 bench/baseline.py --url "$url" --tenant "$tenant" --db "$work/python.db" \
    --limit "$sample" --save-pages "$work/pages" --save-count 100 >"$parts/baseline.json"
rm -f "$work/python.db"*

say "Parse-only and insert-only limits on $(ls "$work/pages" | wc -l) pages"
STEWARD_BENCH_PAGES="$work/pages" STEWARD_BENCH_JSON="$parts/limits.json" \
    cargo bench --quiet -p steward-graph --bench ingest_limits

say "Azure Monitor archive import: $lines records"
python3 bench/archive.py "$work/PT1H.json" "$lines"
rm -f "$work/import.db"*
timed import target/release/steward --db "$work/import.db" import "$work/PT1H.json" --json \
    >"$parts/import-summary.json"
rm -f "$work/import.db"* "$work/PT1H.json"

say "Peak memory of a CSV export of every sign-in and of the recommendations view"
timed export-csv target/release/steward --db "$work/cache.db" report sign-ins --format csv \
    --from 2000-01-01 --out "$work/sign-ins.csv" --json >/dev/null
rm -f "$work/sign-ins.csv"
timed recommendations target/release/steward --db "$work/cache.db" recommendations --json \
    >/dev/null
timed recommendations-500 target/release/steward --db "$work/cache.db" recommendations \
    --limit 500 --json >/dev/null

say "Each page's query on the synced cache"
STEWARD_BENCH_DB="$work/cache.db" STEWARD_BENCH_JSON="$parts/views.json" \
    cargo bench --quiet -p steward-core --bench views

if [ "$paint" = 1 ]; then
    say "The window's first paint on the synced cache (release build, WebDriver under Xvfb)"
    STEWARD_BENCH_DB="$work/cache.db" STEWARD_BIN_DIR="$root/target/release" \
        STEWARD_BENCH_JSON="$parts/paint.json" \
        xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- \
        cargo bench --quiet -p steward-e2e --bench first_paint 2>/dev/null
fi

# Throttled: a tenant of at most 11,000 SPs and 200,000 sign-ins (the floor grows with the data,
# so a smaller one says as much in less time), with Graph's limits over windows ten times shorter.
t_sps=$(( sps < 11000 ? sps : 11000 ))
t_sign_ins=$(( sign_ins < 200000 ? sign_ins : 200000 ))
say "Sync under Graph's throttling: $t_sps service principals, $t_sign_ins sign-ins, limits x10"
t_port=$(( port + 1 ))
t_url="http://127.0.0.1:$t_port"
t_tenant=$(sim throttled "$t_port" --service-principals "$t_sps" --sign-ins "$t_sign_ins" \
    --graph-limits --limits-scale 10)
rm -f "$work/throttled-cache.db"*
timed throttled target/release/steward --db "$work/throttled-cache.db" sync --tenant "$t_tenant" \
    --client-id "$client" --graph-url "$t_url" --authority-url "$t_url" --sign-in-days 90 --json \
    >"$parts/throttled-summary.json"
python3 -c "
import json, urllib.request
stats = json.load(urllib.request.urlopen('$t_url/_sim/stats'))
json.dump({'servicePrincipals': $t_sps, 'signIns': $t_sign_ins, 'limitsScale': 10, **stats},
          open('$parts/throttled-stats.json', 'w'))"

python3 bench/table.py "$parts" "$out"
