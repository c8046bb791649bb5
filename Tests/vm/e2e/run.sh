#!/usr/bin/env bash
# The end-to-end scenario (Tests/vm/e2e/payload.sh) in the VM: two directors, four real
# servers and a client in network namespaces of the guest, keepalived as one director at the end.
# usage: Tests/vm/e2e/run.sh BINDIR   (BINDIR holds release lvsd and lvsctl, see scripts/build-static)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
bin=${1:?usage: run.sh BINDIR}
keepalived=$(command -v keepalived || echo /usr/sbin/keepalived)
exec "$root/scripts/vm/run" --timeout 1200 --mem 2048 --bin "$bin/lvsd" --bin "$bin/lvsctl" --bin "$keepalived" \
    --file "$root/Tests/vm/checks.sh:/usr/local/lib/lvsd-tests/checks.sh" \
    --file "$root/Tests/vm/e2e/lib.sh:/usr/local/lib/lvsd-e2e/lib.sh" \
    --file "$root/Tests/vm/e2e/conf.sh:/usr/local/lib/lvsd-e2e/conf.sh" -- \
    "$root/Tests/vm/e2e/payload.sh"
