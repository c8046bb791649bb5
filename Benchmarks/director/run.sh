#!/usr/bin/env bash
# The director benchmark: keepalived 2.2.7 (keepalived -C, Debian's package on the host,
# copied into the guest) and lvsd on the same generated configurations in one VM boot.
# Prints figures side by side; asserts nothing (timings are not tests).
#   usage: Benchmarks/director/run.sh [--smp N] [--rounds N] [--cases "table reload tcp http syscalls takeover"]
# (--cases http runs only the HTTP_GET case; default: the first four. The takeover case runs a
# VRRP pair of each tool on 1,000 x 10 and measures a SIGTERM takeover. The syscalls case counts
# the system calls per TCP_CHECK of both tools with the host's strace and perf, copied into the guest.)
# LVS_BIN_DIR=DIR uses the static binaries in DIR instead of running scripts/build-static.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
smp=2 rounds=2 cases="table reload tcp http"
while (($# > 0)); do
    case $1 in
    --smp) smp=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    *) echo "usage: $0 [--smp N] [--rounds N] [--cases \"table reload tcp http syscalls takeover\"]" >&2; exit 2 ;;
    esac
done
bin=${LVS_BIN_DIR:-$("$root/scripts/build-static")}
extra_bins=()
case " $cases " in *" syscalls "*) extra_bins+=(--bin "$(command -v strace)" --bin "$(command -v perf)") ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/generate.py" --virtual-servers 1000 --real-servers 10 >"$work/table.conf"
"$here/generate.py" --virtual-servers 1000 --real-servers 10 --changed-weights 100 >"$work/table2.conf"
"$here/generate.py" --virtual-servers 100 --real-servers 10 --delay-loop 1 >"$work/checks.conf"
"$here/generate.py" --virtual-servers 20 --real-servers 10 --delay-loop 1 --check http >"$work/http.conf"
"$here/generate.py" --virtual-servers 1000 --real-servers 10 --delay-loop 60 --vrrp-vip 10.99.0.100 >"$work/takeover.conf"
"$here/generate.py" --virtual-servers 1000 --real-servers 10 --delay-loop 60 --vrrp-vip 10.99.0.100 --warm-standby \
    >"$work/takeover-warm.conf"
exec "$root/scripts/vm/run" --timeout 3600 --smp "$smp" --mem 2048 \
    --bin /usr/sbin/keepalived --bin "$bin/lvsd" --bin "$bin/lvsctl" --bin "$bin/checks-bench" "${extra_bins[@]}" \
    --file "$work:/bench" -- "$here/payload.sh" "$rounds" "$cases"
