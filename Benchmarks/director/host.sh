#!/usr/bin/env bash
# lvsd's resident memory and start-up at 1,000 virtual servers x 10 real servers, on the host
# (no VM, no IPVS: lvsd says IPVS is unavailable and runs its checks). Each run gets a fresh
# network namespace where 10.64.0.0/10 is local and `checks-bench serve-any` answers on port
# 80, so every TCP_CHECK connects, as in the VM benchmark's guest. Prints, per run:
#   - start: milliseconds (wall and CPU) from exec until lvsd's first pass, which on the host
#     ends where it finds no IPVS (the configuration read, the director built, the table not
#     yet planned);
#   - VmRSS, VmHWM and threads SETTLE seconds after the start (past the first round of checks).
# Root only (network namespaces). Asserts nothing.
#   usage: Benchmarks/director/host.sh [--runs N] [--settle S] BIN_DIR
#   (BIN_DIR holds lvsd and checks-bench, e.g. .build-static/release; MALLOC_ARENA_MAX and
#   other environment variables are passed on to lvsd)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
runs=3 settle=25
while (($# > 1)); do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--settle S] BIN_DIR" >&2; exit 2 ;;
    esac
done
(($# == 1)) || { echo "usage: $0 [--runs N] [--settle S] BIN_DIR" >&2; exit 2; }
bin=$1
work=$(mktemp -d)
ns=lvsd-bench-$$
listener=
cleanup() {
    [ -n "$listener" ] && kill "$listener" 2>/dev/null && wait "$listener" 2>/dev/null
    ip netns del "$ns" 2>/dev/null || :
    rm -rf "$work"
}
trap cleanup EXIT
"$here/generate.py" --virtual-servers 1000 --real-servers 10 >"$work/table.conf"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
for run in $(seq 1 "$runs"); do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" route add local 10.64.0.0/10 dev lo
    ip netns exec "$ns" "$bin/checks-bench" serve-any --port 80 >"$work/listener.log" 2>&1 &
    listener=$!
    sleep 0.5
    rm -rf "$work/state" "$work/pid" "$work/log"
    t0=$(now_ms)
    ip netns exec "$ns" "$bin/lvsd" -f "$work/table.conf" --pid-file "$work/pid" --control-socket "$work/sock" \
        --state-dir "$work/state" --log-level warning >"$work/log" 2>&1 &
    tool=$!
    # The first pass logs (once) that IPVS is not available.
    i=0
    until grep -qs "IPVS is not available" "$work/log" || ((i > 12000)); do sleep 0.005; i=$((i + 1)); done
    t1=$(now_ms)
    pid=$(cat "$work/pid")
    cpu=$(awk '{print ($14 + $15) * 10}' "/proc/$pid/stat")   # clock ticks of 10 ms
    sleep "$settle"
    status=$(awk '/^(VmRSS|VmHWM|Threads):/ {printf "%s %s %s  ", $1, $2, $3}' "/proc/$pid/status")
    echo "run $run: start to the first pass $((t1 - t0)) ms wall, $cpu ms CPU; after ${settle} s: $status"
    kill -TERM "$pid"; wait "$tool" 2>/dev/null || :
    kill "$listener"; wait "$listener" 2>/dev/null || :
    listener=
    ip netns del "$ns"
done
