#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh), builds Steward and opens the desktop window on the demo
# tenant. Without a display (a headless server) it runs the window under Xvfb and saves a
# screenshot to target/steward-window.png.
#   STEWARD_DB=/path/to.db scripts/run.sh     # use another cache file
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/setup.sh

say "Building the UI"
(cd ui && npm run build --silent >/dev/null)
say "Building steward-desktop and steward"
cargo build --release -p steward-desktop -p steward-cli

args=()
[ -n "${STEWARD_DB:-}" ] && args+=(--db "$STEWARD_DB")
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    say "Opening Steward (the first run creates the demo tenant)"
    exec target/release/steward-desktop "${args[@]}"
fi

say "No display found: running the window under Xvfb"
display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $app $xvfb 2>/dev/null || true' EXIT
sleep 1
DISPLAY="$display" target/release/steward-desktop "${args[@]}" &
app=$!
sleep 6
DISPLAY="$display" import -window root target/steward-window.png
say "Steward is running on $display; screenshot: target/steward-window.png. Press Ctrl-C to stop."
wait $app
