#!/bin/sh
# Install Debian packages that the tests need and pip cannot provide
# (chromium for the browser tests, bubblewrap for the grader's sandbox).
#   sh scripts/install-debian-packages.sh COMMAND=PACKAGE [COMMAND=PACKAGE ...]
# Each argument names a command (or a file, when it contains a /) to look for and the Debian
# package that provides it, for example `/usr/bin/chromium=chromium` or `bwrap=bubblewrap`;
# only missing ones are
# installed. Needs root (CI runs as root) or sudo. POSIX sh: run it with `sh`, not bash.
set -eu

missing=""
for pair in "$@"; do
    command_name=${pair%%=*}
    package=${pair#*=}
    case $command_name in
        */*) found=$([ -e "$command_name" ] && echo "$command_name" || true) ;;
        *) found=$(command -v "$command_name" 2> /dev/null || true) ;;
    esac
    if [ -n "$found" ]; then
        echo "$package already installed ($found)"
    else
        missing="$missing $package"
    fi
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo_prefix=""
elif command -v sudo > /dev/null 2>&1; then
    sudo_prefix="sudo"
else
    echo "install-debian-packages.sh: missing:$missing, and this user cannot install packages." >&2
    echo "Run as root: apt-get install -y$missing" >&2
    exit 1
fi
if ! command -v apt-get > /dev/null 2>&1; then
    echo "install-debian-packages.sh: apt-get not found; install$missing with your system's package manager." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$sudo_prefix apt-get update -qq
# shellcheck disable=SC2086
$sudo_prefix apt-get install -y -qq --no-install-recommends $missing > /dev/null
echo "installed:$missing"
