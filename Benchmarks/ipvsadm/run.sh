#!/usr/bin/env bash
# Benchmark: lvsctl restore/save -n/list -n against ipvsadm -R/-Sn/-Ln as whole processes, on a
# table of 1,000 services x 10 real servers, in one boot of the VM of scripts/vm/run.
# Prints times (best of runs, ms) and ratios; asserts nothing.
#   usage: Benchmarks/ipvsadm/run.sh [SERVICES] [SERVERS_PER_SERVICE]
#   SMP=1 runs the guest with one vCPU (default 2), the small director the restore target names.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
services=${1:-1000}
per=${2:-10}
# One static release build for every VM test (scripts/build-static); LVS_BIN_DIR skips it.
bin=${LVS_BIN_DIR:-$(scripts/build-static --product lvsctl)}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$services" "$per" > "$dir/rules" <<'PY'
import sys
services, per = int(sys.argv[1]), int(sys.argv[2])
for i in range(services):
    vip = "10.%d.%d.1" % (i // 250, i % 250)
    print("-A -t %s:80 -s wlc" % vip)
    for j in range(per):
        print("-a -t %s:80 -r 192.168.%d.%d:8080 -m -w %d" % (vip, i % 250, j + 1, j + 1))
PY
echo "guest: ${SMP:-2} vCPU"
scripts/vm/run --timeout 1200 --smp "${SMP:-2}" --bin "$bin/lvsctl" --file "$dir:/bench" \
    -- Benchmarks/ipvsadm/payload.sh
