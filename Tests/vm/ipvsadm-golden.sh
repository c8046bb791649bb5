#!/usr/bin/env bash
# Captures golden text from the real ipvsadm (Debian's, in the VM of scripts/vm/run)
# for every Tests/vm/golden-cases/*.rules, with a JSON dump of the same kernel state
# by ipvs-snapshot, into Tests/IPVSAdmTests/Fixtures/golden/NAME/.
#   usage: Tests/vm/ipvsadm-golden.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
swift build -c release --static-swift-stdlib --scratch-path .build-adm-release --product ipvs-snapshot >&2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
scripts/vm/run --timeout 600 --bin .build-adm-release/release/ipvs-snapshot \
    --file Tests/vm/golden-cases:/cases --out "$out" -- Tests/vm/ipvsadm-golden-payload.sh
dest=Tests/IPVSAdmTests/Fixtures/golden
mkdir -p "$dest"
for dir in "$out"/*/; do
    name=$(basename "$dir")
    rm -rf "${dest:?}/$name"
    cp -r "$dir" "$dest/$name"
    if [ -f "Tests/vm/golden-cases/$name.rules" ]; then
        cp "Tests/vm/golden-cases/$name.rules" "$dest/$name/rules.txt"
    fi
done
cp "$out/etc-hosts" "$out/etc-services" "$dest/"
echo "golden text in $dest"
