#!/usr/bin/env python3
"""Gathers the parts bench/run.sh measured into one JSON file and prints them as a table, each
figure beside its goal (issue 17's table) where it has one.

    bench/table.py PARTS_DIR OUT.json
"""

import datetime
import json
import os
import platform
import subprocess
import sys

parts_dir, out = sys.argv[1], sys.argv[2]


def part(name):
    path = os.path.join(parts_dir, f"{name}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


gen = part("generate")
sync, sync_summary = part("sync"), part("sync-summary")
size = part("bytes")
base, limits = part("baseline"), part("limits")
imp, imp_summary = part("import"), part("import-summary")
export, recs = part("export-csv"), part("recommendations")
recs500 = part("recommendations-500")
views, paint = part("views"), part("paint")
throttled, throttled_stats = part("throttled"), part("throttled-stats")
throttled_summary = part("throttled-summary")


def items(summary, dataset):
    return sum(d["items"] for d in summary["datasets"] if d["dataset"] == dataset)


sync_sign_ins = items(sync_summary, "signIns")
result = {
    "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "os": platform.platform()},
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "commit": commit(),
    "tenant": gen,
    "ingest": {
        "sync": {**sync, "signIns": sync_sign_ins,
                 "perCpuSecond": sync_sign_ins / sync["cpuSeconds"],
                 "perSecond": sync_sign_ins / sync["wallSeconds"],
                 "retries": sync_summary["retries"]},
        # Into a fresh cache: every record read is a new sign-in.
        "archiveImport": {**imp, "records": imp_summary["newSignIns"]},
        "parseOnlyPerSecond": limits["parseOnlyPerSecond"],
        "insertOnlyPerSecond": limits["insertOnlyPerSecond"],
        "limitsSample": {"pages": limits["pages"], "signIns": limits["signIns"]},
        "python": base,
    },
    "bytes": size,
    "peakRssMb": {"sync": sync["peakRssMb"], "csvExportAllSignIns": export["peakRssMb"],
                  "recommendationsView": recs["peakRssMb"],
                  "recommendationsWindowFirst500": recs500["peakRssMb"]},
    "wholeProcessSeconds": {"csvExportAllSignIns": export["wallSeconds"],
                            "recommendations": recs["wallSeconds"],
                            "recommendationsWindowFirst500": recs500["wallSeconds"]},
    "queriesMs": {v["query"]: v["medianMs"] for v in views},
    "firstPaintSeconds": paint["firstPaintSeconds"] if paint else None,
    "throttledSync": None,
}
rec = result["ingest"]["archiveImport"]
rec["perSecond"] = rec["records"] / imp["wallSeconds"]
rec["perCpuSecond"] = rec["records"] / imp["cpuSeconds"]
if throttled and throttled_stats:
    floor = throttled_stats.get("throttleFloorSeconds") or 0.0
    result["throttledSync"] = {
        "servicePrincipals": throttled_stats["servicePrincipals"],
        "signIns": items(throttled_summary, "signIns"),
        "limitsScale": throttled_stats["limitsScale"],
        "wallSeconds": throttled["wallSeconds"],
        "floorSeconds": floor,
        "overFloor": throttled["wallSeconds"] / floor if floor else None,
        "throttledRequests": throttled_stats["limited"],
        "requests": throttled_stats["requests"],
        "retries": throttled_summary["retries"],
    }

os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
with open(out, "w") as f:
    json.dump(result, f, indent=2)

# The table.
rows = []


def row(what, value, goal="", unit=""):
    rows.append((what, value, goal, unit))


def rate(x):
    return f"{x:,.0f}"


ing = result["ingest"]
py = ing["python"]
row("Sync, sign-ins per client CPU second", rate(ing["sync"]["perCpuSecond"]), ">= 200,000",
    f"{ing['sync']['wallSeconds']:.0f} s wall, {ing['sync']['cpuSeconds']:.0f} s CPU, whole sync")
row("Sync, sign-ins per wall second", rate(ing["sync"]["perSecond"]), "", "")
row("Archive import, records per CPU second", rate(rec["perCpuSecond"]), ">= 200,000",
    f"{rec['records']:,} records, {rec['perSecond']:,.0f} per wall second")
row("Parse-only limit (sync's reader)", rate(ing["parseOnlyPerSecond"]), "", "sign-ins/s")
row("Insert-only limit (sync's writer)", rate(ing["insertOnlyPerSecond"]), "", "sign-ins/s")
row("Python json + sqlite3, per CPU second", rate(py["perCpuSecond"]), "",
    f"{py['signIns']:,} sign-ins, {py['perSecond']:,.0f} per wall second")
row("Steward sync / parse-only", f"{ing['sync']['perCpuSecond'] / ing['parseOnlyPerSecond']:.2f}", "", "")
row("Steward sync / insert-only", f"{ing['sync']['perCpuSecond'] / ing['insertOnlyPerSecond']:.2f}", "", "")
row("Steward sync / Python (per CPU second)", f"{ing['sync']['perCpuSecond'] / py['perCpuSecond']:.1f}", "", "")
row("Archive import / Python (per CPU second)", f"{rec['perCpuSecond'] / py['perCpuSecond']:.1f}", "", "")
b = result["bytes"]
row("Cache bytes per sign-in, all in", f"{b['allInBytesPerSignIn']:.0f}", "<= 110",
    f"log {b['logBytesPerSignIn']:.0f}, index {b['indexBytesPerSignIn']:.0f}, "
    f"roll-ups {b['rollupBytesPerSignIn']:.0f}")
row("Python baseline bytes per sign-in", f"{py['bytesPerSignIn']:.0f}", "", "")
row("Cache bytes per service principal (directory)",
    f"{b['directoryBytesPerServicePrincipal']:,.0f}", "", "")
rss = result["peakRssMb"]
row("Peak RSS, full sync", f"{rss['sync']:.0f} MB", "<= 100 MB", "")
row("Peak RSS, CSV export of every sign-in", f"{rss['csvExportAllSignIns']:.0f} MB", "",
    f"{result['wholeProcessSeconds']['csvExportAllSignIns']:.1f} s")
row("Peak RSS, recommendations --json", f"{rss['recommendationsView']:.0f} MB", "",
    f"{result['wholeProcessSeconds']['recommendations']:.2f} s whole process, every impacted resource")
row("Peak RSS, recommendations --limit 500 --json",
    f"{rss['recommendationsWindowFirst500']:.0f} MB", "<= 150 MB",
    f"{result['wholeProcessSeconds']['recommendationsWindowFirst500']:.2f} s whole process, the window's first 500")
for q, ms in result["queriesMs"].items():
    goal = "" if q.startswith("of which") or q.startswith("full inventory") else "<= 100 ms"
    row(f"Query: {q}", f"{ms:,.1f} ms", goal, "")
if result["firstPaintSeconds"] is not None:
    row("Window first paint (release, WebDriver)", f"{result['firstPaintSeconds']:.2f} s", "<= 1.5 s", "")
t = result["throttledSync"]
if t:
    row("Throttled sync: wall / floor",
        f"{t['wallSeconds']:.0f} s / {t['floorSeconds']:.0f} s", "",
        f"x{t['overFloor']:.2f}; {t['servicePrincipals']:,} SPs, {t['signIns']:,} sign-ins, "
        f"limits x{t['limitsScale']}, {t['throttledRequests']} answered 429")

width = max(len(r[0]) for r in rows)
vwidth = max(len(r[1]) for r in rows)
gwidth = max(len(r[2]) for r in rows)
print(f"\nSteward benchmark, {result['date']}, commit {result['commit']}, "
      f"{result['machine']['cpu']} ({result['machine']['cores']} cores)")
print(f"Tenant: {gen['servicePrincipals']:,} service principals, {gen['signIns']:,} sign-ins "
      f"(scale {gen['scale']}), generated by graph-sim in {gen['seconds']:.0f} s\n")
print(f"{'figure':<{width}}  {'measured':>{vwidth}}  {'goal':<{gwidth}}  note")
for what, value, goal, note in rows:
    print(f"{what:<{width}}  {value:>{vwidth}}  {goal:<{gwidth}}  {note}")
print(f"\nJSON: {out}")
