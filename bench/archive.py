#!/usr/bin/env python3
"""Writes an Azure Monitor ServicePrincipalSignInLogs archive (PT1H.json, one JSON record per
line, as Azure Monitor's storage export writes them) for the ingest benchmarks: LINES records of
about 1.5 KB each, as real records are, from 200 service principals, one record a second.

    bench/archive.py OUT LINES
"""
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
