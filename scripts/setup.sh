#!/usr/bin/env bash
# Installs everything Steward needs on a Debian/Ubuntu machine: system packages, the Rust
# toolchain's components, the UI's npm packages and tauri-driver. Idempotent: each step checks
# first and does nothing when it is already in place. Sourced by run.sh and test.sh.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: run as root or install sudo" >&2; exit 1; }
    SUDO="sudo"
fi

# System packages: WebKitGTK and GTK for the window, Xvfb and WebKitWebDriver for headless
# end-to-end tests, ImageMagick for screenshots, Node.js for the UI when it is missing,
# poppler-utils to open the PDF reports in tests, a CJK font the PDF reports fall back to, and
# D-Bus with gnome-keyring for the OS keyring (libdbus to build against, a Secret Service to test).
packages=(libwebkit2gtk-4.1-dev libgtk-3-dev build-essential pkg-config file curl ca-certificates
          xvfb xauth webkit2gtk-driver imagemagick x11-utils poppler-utils fonts-droid-fallback
          libdbus-1-dev dbus gnome-keyring)
command -v node >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "Installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Rust: the toolchain pinned in rust-toolchain.toml, through rustup.
if ! command -v cargo >/dev/null; then
    [ -x "$HOME/.cargo/bin/cargo" ] || {
        say "Installing Rust (rustup)"
        curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    }
    export PATH="$HOME/.cargo/bin:$PATH"
fi
export PATH="$HOME/.cargo/bin:$PATH"

# tauri-driver, the WebDriver server for Tauri windows (v2; crates.io also carries v3 alphas).
if ! command -v tauri-driver >/dev/null; then
    say "Installing tauri-driver"
    cargo install tauri-driver --locked --version "^2" --quiet
fi

# UI packages, reinstalled only when package-lock.json changed.
stamp="$root/ui/node_modules/.steward-lock-hash"
hash="$(sha256sum "$root/ui/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
    say "Installing UI packages (npm ci)"
    (cd "$root/ui" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$hash" > "$stamp"
fi
