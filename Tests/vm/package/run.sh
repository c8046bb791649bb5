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
# The package's Depends (libc6, libstdc++6, libgcc-s1, libnl-3-200, libnl-genl-3-200), as apt
# would install them on Debian 12: every library the packaged binaries need, from the host.
dpkg-deb -x "$deb" "$dir/root"
libs=()
while read -r path; do
    libs+=(--file "$(readlink -f "$path"):$path")
done < <(ldd "$dir/root/usr/sbin/lvsd" "$dir/root/usr/sbin/lvsctl" | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u)
rm -rf "$dir/root"
exec "$root/scripts/vm/run" --timeout 600 --file "$dir:/pkg" "${libs[@]}" \
    --file "$root/Tests/vm/checks.sh:/usr/local/lib/lvsd-tests/checks.sh" -- "$root/Tests/vm/package/payload.sh"
