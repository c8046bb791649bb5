#!/usr/bin/env bash
# Differential test of lvsctl against Debian's ipvsadm 1.31 in the VM of scripts/vm/run.
#   usage: Tests/vm/ipvsadm-differential.sh [SEED] [RULESETS] [STEPS]
# Without SEED a fresh one is drawn and printed. Prints "N passed, M failed"; exits non-zero on any
# failure, or when the VM run itself fails (a scenario that could not run counts as a failure).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
seed=${1:-$(( (RANDOM << 15) | RANDOM ))}
rulesets=${2:-12}
steps=${3:-300}
echo "ipvsadm-differential: seed $seed ($rulesets rule sets, $steps steps)"
# One static release build for every VM test (scripts/build-static); LVS_BIN_DIR skips it.
bin=${LVS_BIN_DIR:-$(scripts/build-static --product lvsctl)}
gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
python3 Tests/vm/differential/generate.py "$seed" "$gen" "$rulesets" "$steps"
echo "$seed" > "$gen/seed"
status=0
scripts/vm/run --timeout 1800 --bin "$bin/lvsctl" --file "$gen:/gen" \
    -- Tests/vm/differential/payload.sh || status=$?
if [ "$status" -ne 0 ]; then
    echo "ipvsadm-differential: FAILED (status $status, seed $seed)"
    # When the payload did not get to print its tally, make the failure countable.
    [ "$status" -ge 124 ] && echo "0 passed, 1 failed"
fi
exit "$status"
