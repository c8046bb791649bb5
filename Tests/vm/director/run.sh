#!/usr/bin/env bash
# lvsd as a director on Debian's kernel in the VM (Tests/vm/director/payload.sh).
# usage: Tests/vm/director/run.sh BINDIR   (BINDIR holds release lvsd and lvsctl, see scripts/build-static)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
bin=${1:?usage: run.sh BINDIR}
exec "$root/scripts/vm/run" --timeout 900 --bin "$bin/lvsd" --bin "$bin/lvsctl" \
    --file "$root/Tests/vm/checks.sh:/usr/local/lib/lvsd-tests/checks.sh" \
    --file "$root/Tests/vm/director/ownership.sh:/usr/local/lib/lvsd-tests/ownership.sh" -- \
    "$root/Tests/vm/director/payload.sh"
