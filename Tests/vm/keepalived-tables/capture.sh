#!/usr/bin/env bash
# Captures the IPVS table the real keepalived installs at start for every configuration
# under Tests/vm/keepalived-tables/configs/ (ours and Debian's samples in configs/debian/),
# booting the kernel VM of scripts/vm/run once with the host's /usr/sbin/keepalived.
# Writes expected/REL.txt (`ipvsadm -Sn`, what compare.sh checks), kernel-order/REL.txt
# (`ipvsadm -Ln --nosort --thresholds`: the order keepalived added things in, and the
# thresholds), logs/REL.log (keepalived's log of the start) and capture-info.txt.
#   usage: Tests/vm/keepalived-tables/capture.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
keepalived=${KEEPALIVED:-/usr/sbin/keepalived}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

status=0
"$root/scripts/vm/run" --timeout 900 --bin "$keepalived" \
    --file "$here/configs:/cases" \
    --file "$here/misc-check.sh:/usr/local/bin/script.sh" \
    --file "$here/misc-check.sh:/usr/local/bin/lvs-check.sh" \
    --out "$out" -- "$here/capture-payload.sh" || status=$?

# Replace the captures only with a complete set.
if ((status != 0)); then
    echo "capture.sh: the guest payload failed (exit $status); expected/ left as it was" >&2
    exit "$status"
fi
for d in expected kernel-order logs; do
    rm -rf "${here:?}/$d"
    cp -r "$out/$d" "$here/$d"
done
{
    echo "captured: $(date -u '+%Y-%m-%d %H:%M UTC')"
    cat "$out/versions.txt"
    echo "command: Tests/vm/keepalived-tables/capture.sh (keepalived -C -n -l -f FILE in the guest)"
} >"$here/capture-info.txt"
echo "captures in $here/expected ($(find "$here/expected" -name '*.txt' | wc -l) files)"
