#!/usr/bin/env bash
# Two lvsd directors announcing a VIP by BGP through BIRD to an ECMP router, in the VM
# (Tests/vm/bgp/payload.sh): the host kernel has no IPVS, so lvsd cannot install a table
# there, and a VIP is announced only once its IPVS services are installed.
# usage: Tests/vm/bgp/run.sh BINDIR [--no-sloppy]
#   BINDIR holds release lvsd and lvsctl (scripts/build-static); --no-sloppy: the control run
#   with `set_sloppy off` (sloppy_tcp stays 0), where the connections ECMP moves from one
#   director to the other break (checks fail).
# Needs Debian's bird2 on the host (scripts/install-deps.sh): bird and birdc go into the guest
# with their libraries (scripts/vm/run --bin).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
bin=${1:?usage: run.sh BINDIR}
for program in /usr/sbin/bird /usr/sbin/birdc; do
    [ -x "$program" ] || { echo "run.sh: $program is missing (apt-get install bird2)" >&2; exit 127; }
done
exec "$root/scripts/vm/run" --timeout 900 --bin "$bin/lvsd" --bin "$bin/lvsctl" \
    --bin /usr/sbin/bird --bin /usr/sbin/birdc \
    --file "$root/Tests/vm/checks.sh:/usr/local/lib/lvsd-tests/checks.sh" -- "$root/Tests/vm/bgp/payload.sh" "${@:2}"
