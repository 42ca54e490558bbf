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
python3 - "$work/PT1H.json" "$LINES" <<'PY'
import json, sys, uuid, datetime
path, n = sys.argv[1], int(sys.argv[2])
tenant = "7a7a7a7a-1111-4222-8333-444444444444"
start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
with open(path, "w", newline="") as out:
    for i in range(n):
        when = (start + datetime.timedelta(seconds=i)).isoformat()
        sp = i % 200
        props = {"id": str(uuid.UUID(int=i + 1)), "createdDateTime": when, "userId": None, "appId": f"a{sp:07d}-0000-4000-8000-000000000000",
                 "ipAddress": f"198.51.{sp % 50}.{i % 250}", "status": {"errorCode": 0 if i % 31 else 7000215},
                 "location": {"city": "Amsterdam", "state": "Noord-Holland", "countryOrRegion": "NL", "geoCoordinates": {"latitude": 52.37, "longitude": 4.89}},
                 "correlationId": str(uuid.UUID(int=(i + 1) << 64)), "isInteractive": False, "tokenIssuerType": "AzureAD",
                 "authenticationProcessingDetails": [], "clientCredentialType": "clientSecret",
                 "servicePrincipalCredentialKeyId": f"c{sp:07d}-0000-4000-8000-000000000000", "processingTimeInMilliseconds": 0,
                 "riskDetail": "none", "riskLevelAggregated": "none", "riskLevelDuringSignIn": "none", "riskState": "none",
                 "resourceDisplayName": "Microsoft Graph", "resourceId": "00000003-0000-0000-c000-000000000000",
                 "servicePrincipalName": f"bench-{sp}", "servicePrincipalId": f"b{sp:07d}-0000-4000-8000-000000000000",
                 "resourceServicePrincipalId": "5f000000-0000-4000-8000-000000000001", "uniqueTokenIdentifier": "AbCdEfGhIjKlMnOpQrStUv",
                 "flaggedForReview": False, "isTenantRestricted": False, "crossTenantAccessType": "none", "appServicePrincipalId": None}
        env = {"time": when, "resourceId": f"/tenants/{tenant}/providers/Microsoft.aadiam", "operationName": "Sign-in activity",
               "operationVersion": "1.0", "category": "ServicePrincipalSignInLogs", "tenantId": tenant, "resultType": str(props["status"]["errorCode"]),
               "resultSignature": "SUCCESS", "durationMs": 0, "callerIpAddress": props["ipAddress"], "correlationId": props["correlationId"],
               "Level": 4, "location": "NL", "properties": props}
        out.write(json.dumps(env) + "\r\n")
PY
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
