#!/usr/bin/env bash
# Builds Steward's Linux packages with Tauri's bundler, on this machine and with nothing
# downloaded by the bundler: a .deb and an .rpm holding steward-desktop (the UI embedded), its
# desktop entry and icon, and the `steward` CLI in /usr/bin beside it. AppImage is left out: its
# tools are downloaded at bundle time. The packages land in target/release/bundle/{deb,rpm}/.
#
#   bash scripts/package.sh
#   sudo apt-get install ./target/release/bundle/deb/Steward_*_amd64.deb
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/setup.sh

if ! command -v cargo-tauri >/dev/null; then
    say "Installing the Tauri CLI (its bundler; a few minutes, once)"
    cargo install tauri-cli --version "^2" --locked --quiet
fi

say "The UI (ui/dist, embedded in the binary)"
(cd ui && npm run --silent build >/dev/null)

say "The steward CLI (release), which the packages carry beside the window"
cargo build --release -p steward-cli --quiet

say "steward-desktop (release) and its packages"
cargo tauri build --bundles deb,rpm --config '{"bundle": {"active": true}}'

say "Packages"
ls -1 target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
