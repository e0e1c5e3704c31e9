#!/bin/bash
# Install what the Suricata tests need: Suricata 7 from Debian
# bookworm-backports (not in bookworm main) and python3-scapy for the
# captures. Idempotent: does nothing when both are present. Fails loudly.
set -euo pipefail

have_suricata() {
    command -v suricata >/dev/null 2>&1 &&
        suricata -V 2>/dev/null | grep -q 'version 7\.'
}
have_scapy() {
    /usr/bin/python3 -c 'import scapy.all' >/dev/null 2>&1
}

if have_suricata && have_scapy; then
    echo "setup-suricata: $(suricata -V 2>/dev/null | head -1), python3-scapy present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
    command -v sudo >/dev/null 2>&1 || { echo "setup-suricata: need root or sudo to install" >&2; exit 1; }
else
    SUDO=
fi

# The machine's Debian source, copied into a backports suite beside it
# (same mirror and keyring).
src=/etc/apt/sources.list.d/debian.sources
bp=/etc/apt/sources.list.d/bookworm-backports.sources
if [ ! -f "$bp" ]; then
    [ -f "$src" ] || { echo "setup-suricata: $src not found: cannot add bookworm-backports" >&2; exit 1; }
    uris=$(awk '/^URIs:/ && /debian\/?$/ {print; exit}' "$src")
    keyring=$(awk '/^Signed-By:/ {print; exit}' "$src")
    [ -n "$uris" ] || { echo "setup-suricata: no Debian URIs line in $src" >&2; exit 1; }
    printf 'Types: deb\n%s\nSuites: bookworm-backports\nComponents: main\n%s\n' \
        "$uris" "$keyring" | $SUDO tee "$bp" >/dev/null
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
if ! have_suricata; then
    $SUDO apt-get install -y -q -t bookworm-backports --no-install-recommends suricata
fi
if ! have_scapy; then
    $SUDO apt-get install -y -q --no-install-recommends python3-scapy
fi

have_suricata || { echo "setup-suricata: suricata 7 still missing after install" >&2; exit 1; }
have_scapy || { echo "setup-suricata: python3-scapy still missing after install" >&2; exit 1; }
echo "setup-suricata: $(suricata -V 2>/dev/null | head -1), python3-scapy installed"
