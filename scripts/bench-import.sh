#!/usr/bin/env bash
# Benchmark of a streamed sign-in archive import (prints figures; asserts nothing).
#
#   scripts/bench-import.sh [LINES] [debug|release]
#
# Writes an Azure Monitor ServicePrincipalSignInLogs archive of LINES records (default 1,000,000;
# about 1.5 KB each, as real records are: 200 service principals, a record a second), imports it
# with `steward import` into a fresh cache, and prints wall time, CPU time, peak RSS, records per
# second and per CPU second. The build is release unless `debug` is given.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES=${1:-1000000}
PROFILE=${2:-release}
if [ "$PROFILE" = release ]; then
    cargo build --release --quiet -p steward-cli
else
    cargo build --quiet -p steward-cli
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/archive.py "$work/PT1H.json" "$LINES"
bytes=$(stat -c %s "$work/PT1H.json")
/usr/bin/time -f '%e %U %S %M' -o "$work/time" "target/$PROFILE/steward" --db "$work/cache.db" \
    import "$work/PT1H.json" --json >"$work/summary.json"
read -r wall user sys rss <"$work/time"
python3 - "$work" "$wall" "$user" "$sys" "$rss" "$LINES" "$bytes" "$PROFILE" <<'PY'
import json, os, sys
work, wall, user, sys_, rss, lines, size, profile = sys.argv[1:9]
wall, cpu, rss, lines, size = float(wall), float(user) + float(sys_), int(rss), int(lines), int(size)
summary = json.load(open(f"{work}/summary.json"))
print(f"archive import ({profile}): {lines:,} lines, {size / 2**20:,.0f} MiB")
print(f"  wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {rss / 1024:.0f} MiB")
print(f"  {lines / wall:,.0f} records/s, {lines / cpu:,.0f} records per CPU second")
print(f"  new sign-ins {summary['newSignIns']:,}; cache {os.path.getsize(f'{work}/cache.db') / 2**20:,.0f} MiB")
PY
