#!/usr/bin/env bash
# Builds the Debian package (scripts/package) and installs it in the VM guest, then starts
# lvsd as its systemd unit would (Tests/vm/package/payload.sh).
#   usage: Tests/vm/package/run.sh [DEB]     (default: build one with scripts/package)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
deb=${1:-$("$root/scripts/package")}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$deb" "$dir/"
exec "$root/scripts/vm/run" --timeout 600 --file "$dir:/pkg" -- "$root/Tests/vm/package/payload.sh"
