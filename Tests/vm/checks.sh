# Checks for the VM scenarios (busybox sh in the guest), sourced by Tests/vm/director,
# Tests/vm/e2e and Tests/vm/package payloads from /usr/local/lib/lvsd-tests/checks.sh (their
# run.sh copies it there).
#
# A check prints "ok N - ..." or "not ok N - ..."; $failed counts the failures (the payloads
# exit with it). Waits poll the state they wait for until a generous deadline (the guest runs
# under qemu TCG); nothing asserts a duration. The helpers keep their own variables to names
# starting with _ so that they never overwrite a caller's.

IP=/usr/sbin/ip
failed=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION COMMAND...
    _cd=$1; shift
    if "$@"; then ok "$_cd"; else not_ok "$_cd"; fi
}
# wait_until TENTHS COMMAND...: 0 as soon as COMMAND succeeds, 1 after TENTHS tenths of a second.
wait_until() {
    _wt=$1; shift
    _wi=0
    while [ "$_wi" -lt "$_wt" ]; do
        "$@" && return 0
        usleep 100000
        _wi=$((_wi + 1))
    done
    return 1
}
say() { printf '\n### %s\n' "$*"; }
