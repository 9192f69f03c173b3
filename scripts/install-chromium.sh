#!/usr/bin/env bash
# Install Debian's chromium for the real-browser test (make test-browser).
# Does nothing when /usr/bin/chromium exists. Needs root (CI runs as root) or sudo.
# Playwright drives this browser through executable_path; no Playwright browser is downloaded.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo > /dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-chromium.sh: /usr/bin/chromium is missing and this user cannot install it." >&2
    echo "Run as root: apt-get install -y chromium" >&2
    exit 1
fi

if ! command -v apt-get > /dev/null 2>&1; then
    echo "install-chromium.sh: apt-get not found; install Chromium so that /usr/bin/chromium exists." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core > /dev/null
echo "installed: $(/usr/bin/chromium --version)"
