#!/usr/bin/env bash
# Compares `lvsd --config-test --print-table -f FILE` with the table the real keepalived
# installed at start for every configuration under configs/ (captured by capture.sh into
# expected/REL.txt). Runs on the host: printing the table touches no kernel.
#
# Services may come in any order: each output is cut into service blocks (an `-A` line and
# the `-a` lines after it) and the blocks are sorted. Within a block the `-a` lines must be
# in the captured order, which is ipvsadm -Sn's (sorted by address, then port; the kernel's
# insertion order is in kernel-order/ for reference).
#   usage: Tests/vm/keepalived-tables/compare.sh PATH/TO/lvsd
# Prints a diff per mismatch and "keepalived tables: N passed, M failed"; exits 1 on any
# failure, 2 on a usage error.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if (($# != 1)); then
    echo "usage: $0 PATH/TO/lvsd" >&2
    exit 2
fi
lvsd=$1
if [[ ! -x $lvsd ]]; then
    echo "compare.sh: $lvsd: not an executable file" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# blocks: stdin as ipvsadm -Sn lines; stdout the same lines with the service blocks (an -A
# line and the lines up to the next -A) sorted in byte order, each block's lines kept in
# their order. Lines before the first -A, if any, form a block of their own, which then
# cannot match a capture.
blocks() {
    awk '
        /^-A / { if (started) print block; block = $0; started = 1; next }
        { block = started ? block "\001" $0 : $0; started = 1 }
        END { if (started) print block }
    ' | LC_ALL=C sort | tr '\001' '\n'
}

# known-differences.txt: "CONFIG<TAB>reason" lines for open differences between lvsd and
# keepalived, each an open bug or a deliberate difference. A listed config is still compared
# and its diff printed; it counts as known, not as passed. A listed config that now matches
# fails the run, so that the list is kept true. A reason that starts with "lvsd refuses the
# file" says lvsd must exit 1 on it: a table printed for it fails the run, and so does a
# refusal of a config whose reason does not say so.
known_reason() {
    awk -F '\t' -v rel="$1" '$1 == rel { print $2; found = 1 } END { exit !found }' "$here/known-differences.txt"
}

refusal_prefix="lvsd refuses the file"
passed=0 failed=0 known=0
# report_mismatch REL REFUSED: a mismatch (REFUSED=1: a refusal) was printed above; count it.
report_mismatch() {
    local reason
    if ! reason=$(known_reason "$1"); then
        failed=$((failed + 1))
    elif (($2)) && [[ $reason != "$refusal_prefix"* ]]; then
        echo "FAIL $1: lvsd refuses it, but known-differences.txt does not say so: $reason"
        failed=$((failed + 1))
    elif ((!$2)) && [[ $reason == "$refusal_prefix"* ]]; then
        echo "FAIL $1: known-differences.txt says lvsd refuses it, but lvsd printed a table: $reason"
        failed=$((failed + 1))
    else
        echo "    KNOWN DIFFERENCE $1: $reason"
        known=$((known + 1))
    fi
}
while IFS= read -r rel; do
    expected=$here/expected/$rel.txt
    if [[ ! -f $expected ]]; then
        echo "FAIL $rel: no capture at expected/$rel.txt (run capture.sh)"
        failed=$((failed + 1))
        continue
    fi
    status=0
    "$lvsd" --config-test --print-table -f "$here/configs/$rel" >"$work/out" 2>"$work/err" || status=$?
    if ((status != 0)); then
        echo "MISMATCH $rel: lvsd exited with status $status"
        sed 's/^/    /' "$work/err"
        if ((status != 1)); then
            echo "FAIL $rel: lvsd --config-test exits 0 or 1; $status is a crash or a usage error"
            failed=$((failed + 1))
            continue
        fi
        report_mismatch "$rel" 1
        continue
    fi
    blocks <"$expected" >"$work/want"
    blocks <"$work/out" >"$work/got"
    if cmp -s "$work/want" "$work/got"; then
        if known_reason "$rel" >/dev/null; then
            echo "FAIL $rel: matches now, but known-differences.txt lists it: remove it there"
            failed=$((failed + 1))
        else
            passed=$((passed + 1))
        fi
    else
        echo "MISMATCH $rel: table differs (- keepalived, + lvsd; service blocks sorted)"
        diff_status=0
        diff -u --label "keepalived $rel" --label "lvsd $rel" "$work/want" "$work/got" >"$work/diff" ||
            diff_status=$?
        if ((diff_status != 1)); then
            echo "compare.sh: diff failed with status $diff_status" >&2
            exit 2
        fi
        sed 's/^/    /' "$work/diff"
        report_mismatch "$rel" 0
    fi
done < <(cd "$here/configs" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)

echo "keepalived tables: $passed passed, $failed failed, $known known differences (known-differences.txt)"
((failed == 0 && passed > 0))
