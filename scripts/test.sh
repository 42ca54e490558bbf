#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh) and runs every test and quality gate, in the order that
# fails fastest: formatting, UI lint, typecheck and unit tests, Rust lints, cargo deny, the "core
# has no tauri" check, Rust tests (with the bindings and mock-fixture freshness checks), the OS keyring,
# then the end-to-end suite through the real window. The same command runs locally and in CI.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/setup.sh
export CARGO_TERM_COLOR=never

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

say "cargo fmt --check"
cargo fmt --all -- --check

say "UI: lint (ESLint: typescript-eslint, React hooks, only ui/src/ipc/ talks to Tauri), typecheck, unit tests, build"
(cd ui && npm run --silent lint && npm run --silent typecheck && npx vitest run --reporter=dot --no-color 2>&1 | tee "$logs/ui.log" && npm run --silent build >/dev/null)

say "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

say "cargo deny: licenses, bans and sources (deny.toml; offline, so no advisories: see SECURITY.md)"
# A test-only tool: installed here, not by setup.sh, so running the app never builds it.
if ! command -v cargo-deny >/dev/null; then
    say "Installing cargo-deny (a few minutes, once)"
    cargo install cargo-deny --locked --version "^0.20" --quiet
fi
# cargo deny reads the metadata of every platform's crates in Cargo.lock (Windows and macOS
# ones too), which a build on Linux never downloads: fetch them first (a no-op once they are in
# ~/.cargo; crates.io is where the build gets its crates anyway).
cargo fetch --locked --quiet
cargo deny --offline --log-level error check licenses bans sources

say "The core, reports, Graph crate and CLI have no tauri in their normal dependency tree"
for crate in steward-core steward-report steward-graph graph-sim steward-cli; do
    if cargo tree -p "$crate" -e normal --prefix none | grep -Eiq '^(tauri|wry|webkit2gtk|gtk)'; then
        echo "error: $crate depends on tauri/GTK/WebKit; it must stay headless" >&2
        exit 1
    fi
done

say "Rust tests (includes the bindings freshness check)"
cargo test --workspace --exclude steward-e2e --quiet 2>&1 | tee "$logs/rust.log"

say "The OS keyring: a real Secret Service (gnome-keyring in a private D-Bus session)"
# A throwaway keyring folder, unlocked with a throwaway password: nothing of the machine's own.
keyring_home="$(mktemp -d)"
dbus-run-session -- bash -c '
    export XDG_DATA_HOME="$1"
    printf %s steward-test | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
    cargo test -p steward-cli --test credentials --quiet -- --ignored secret_service
' _ "$keyring_home" 2>&1 | grep -v "fd limit" | tee "$logs/keyring.log"
rm -rf "$keyring_home"

say "End-to-end tests through the real window (tauri-driver + WebKitWebDriver under Xvfb)"
cargo build -p steward-desktop -p steward-cli --quiet
rm -rf target/e2e-screenshots
# In a private D-Bus session, as a desktop session has one: a second launch finds the first there.
xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- \
    cargo test -p steward-e2e --test e2e --quiet -- --test-threads=1 2>&1 \
    | grep -v "fd limit\|dbus-daemon\|SpiRegistry" | tee "$logs/e2e.log"

# One closing line for every suite together (Rust unit, integration and e2e tests, UI tests).
passed=$(cat "$logs"/*.log | sed -n 's/.*test result: [a-zA-Z]*\. \([0-9]*\) passed.*/\1/p' | awk '{s+=$1} END {print s+0}')
failed=$(cat "$logs"/*.log | sed -n 's/.*test result: [a-zA-Z]*\. [0-9]* passed; \([0-9]*\) failed.*/\1/p' | awk '{s+=$1} END {print s+0}')
ui=$(sed -n 's/.*Tests[^0-9]*\([0-9]*\) passed.*/\1/p' "$logs/ui.log" | tail -1)
say "All checks passed; screenshots in target/e2e-screenshots/"
echo "$((passed + ${ui:-0})) passed, $failed failed"
