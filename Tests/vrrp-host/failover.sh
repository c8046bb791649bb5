#!/usr/bin/env bash
# VRRP failover with real daemons on the host: two network namespaces (A, B) on a bridge (in a
# third namespace), one director in each: lvsd vs lvsd and lvsd vs Debian's keepalived 2.2.7
# (`keepalived -P -n -l -D -f FILE`). No IPVS is needed: lvsd says IPVS is unavailable and runs
# VRRP; its configurations carry a virtual server on the VIP all the same.
#
# For each scenario: the higher priority side becomes MASTER and only it holds the VIP
# (`ip -n NS addr`), `lvsctl status` (text and JSON) shows MASTER and BACKUP; SIGTERM of the
# MASTER (priority 0) hands the VIP to the BACKUP and the stopped side holds none; the stopped
# side restarts and preempts; SIGKILL of the MASTER hands the VIP over after the master down
# interval. Takeover times are printed, never asserted; outcomes are asserted with generous
# polling deadlines.
#
# Hostile packets (issue 10): a third namespace on the bridge sends crafted VRRP packets at a
# MASTER lvsd (hostile-vrrp.py); each is dropped, counted, and changes nothing.
#
# usage: Tests/vrrp-host/failover.sh [BINDIR]   (BINDIR holds lvsd and lvsctl; default .build/debug)
# FAILOVER_ONLY=NAME runs one group only (missing-interface, hostile, track-script, track-file,
# split-brain, syncgroup, failover, reload, routes, vmac, partition); unset, all run.
# Needs root, iproute2, and keepalived for the keepalived scenarios (skipped without it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${1:-$root/.build/debug}
lvsd=$bin/lvsd
lvsctl=$bin/lvsctl
keepalived=/usr/sbin/keepalived
[ "$(id -u)" = 0 ] || { echo "failover.sh: needs root" >&2; exit 1; }
[ -x "$lvsd" ] && [ -x "$lvsctl" ] || { echo "failover.sh: no lvsd/lvsctl in $bin" >&2; exit 1; }

tag=vf$$
nsA=${tag}a nsB=${tag}b nsBr=${tag}br nsC=${tag}c
work=$(mktemp -d /tmp/vrrp-failover-XXXXXX)
pids=()
failures=0
results=()

cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    # (C exists only while the hostile scenario runs.)
    for ns in "$nsA" "$nsB" "$nsC" "$nsBr"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$work"
    return 0
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# want GROUP: GROUP runs (FAILOVER_ONLY unset, or naming it).
want() { [ -z "${FAILOVER_ONLY:-}" ] || [ "$FAILOVER_ONLY" = "$1" ]; }
ok() { echo "ok: $*"; }
now_ns() { date +%s%N; }

# Bridge namespace with br0; A and B each with eth0 on it.
ip netns add "$nsBr"
ip netns add "$nsA"
ip netns add "$nsB"
ip -n "$nsBr" link add br0 type bridge
ip -n "$nsBr" link set br0 up
for side in a b; do
    ns=${tag}$side
    ip link add eth0 netns "$ns" type veth peer name "p$side" netns "$nsBr"
    ip -n "$nsBr" link set "p$side" master br0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
done
ip -n "$nsA" addr add 10.9.0.1/24 dev eth0
ip -n "$nsB" addr add 10.9.0.2/24 dev eth0
vip=10.9.0.100

# has_vip NS: the VIP is on NS's eth0.
has_vip() { ip -n "$1" -4 -o addr show dev eth0 | grep -q " $vip/"; }

# wait_for DEADLINE_S COMMAND...: polls every 10 ms; 0 when COMMAND succeeded in time.
wait_for() {
    local limit=$(( $(now_ns) + $1 * 1000000000 )); shift
    until "$@"; do
        (( $(now_ns) < limit )) || return 1
        sleep 0.01
    done
}

# state_of NS: the instance's state as lvsctl status --json gives it.
state_of() {
    ip netns exec "$1" "$lvsctl" status --json --control-socket "$work/$1.sock" 2>/dev/null \
        | python3 -c 'import json,sys; d=json.load(sys.stdin)["lvsd"]; print(d["vrrp"][0]["state"] if d.get("vrrp") else "none")' \
        2>/dev/null || echo unreachable
}
state_is() { [ "$(state_of "$1")" = "$2" ]; }

# Notify scripts append their arguments to $work/notify-LABEL.log (scripts get a clean
# environment: the path is written into the script).
cat > "$work/notify.sh" <<EOF
#!/bin/sh
label=\$1
shift
echo "\$*" >> "$work/notify-\$label.log"
EOF
chmod 755 "$work/notify.sh"
# vrrp_notify_fifo_script: keepalived and lvsd start it with the FIFO's name last; it appends
# the FIFO's lines to $work/fifo-LABEL.log.
cat > "$work/fifo-reader.sh" <<EOF
#!/bin/sh
exec cat "\$2" >> "$work/fifo-\$1.log"
EOF
chmod 755 "$work/fifo-reader.sh"

# config VERSION PRIORITY [KIND [LABEL]]: the configuration of one side.
config() {
    local version=$1 priority=$2 kind=${3:-lvsd} label=${4:-none} advert=1 auth="" fifo=""
    if [ "$version" = 3 ]; then advert=0.1; else
        auth="    authentication {
        auth_type PASS
        auth_pass secret1
    }"
    fi
    if [ "$label" != none ]; then
        fifo="    vrrp_notify_fifo $work/$label.fifo
    vrrp_notify_fifo_script \"$work/fifo-reader.sh $label\""
    fi
    cat <<EOF
global_defs {
    vrrp_version $version
$fifo
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $priority
    advert_int $advert
    notify_master "$work/notify.sh $label master-script"
    notify "$work/notify.sh $label"
$auth
    virtual_ipaddress {
        $vip/24
    }
}
EOF
    if [ "$kind" = lvsd ]; then
        cat <<EOF
virtual_server $vip 80 {
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 10.9.0.10 80 {
        weight 1
    }
}
EOF
    fi
}

# start KIND NS VERSION PRIORITY [LABEL]: starts lvsd or keepalived in NS; sets started_pid.
start() {
    local kind=$1 ns=$2 version=$3 priority=$4 label=${5:-none}
    config "$version" "$priority" "$kind" "$label" > "$work/$ns.conf"
    launch "$kind" "$ns"
}

# launch KIND NS: starts lvsd or keepalived in NS with $work/NS.conf; sets started_pid.
launch() {
    local kind=$1 ns=$2
    if [ "$kind" = lvsd ]; then
        rm -f "$work/$ns.sock"
        mkdir -p "$work/$ns.state"
        ip netns exec "$ns" "$lvsd" -f "$work/$ns.conf" --pid-file "$work/$ns.pid" \
            --control-socket "$work/$ns.sock" --state-dir "$work/$ns.state" >>"$work/$ns.log" 2>&1 &
    else
        ip netns exec "$ns" "$keepalived" -P -n -l -D -f "$work/$ns.conf" -p "$work/$ns.kpid" \
            -r "$work/$ns.vpid" >>"$work/$ns.log" 2>&1 &
    fi
    started_pid=$!
    pids+=("$started_pid")
}

# stop_with SIGNAL KIND NS PID: SIGTERM or SIGKILL of one side's daemon (keepalived: with
# SIGKILL, its VRRP child first, then the parent, so that nothing sends priority 0).
stop_with() {
    local signal=$1 kind=$2 ns=$3 pid=$4
    if [ "$kind" = keepalived ] && [ "$signal" = KILL ]; then
        kill -KILL "$(cat "$work/$ns.vpid")" "$pid"
    else
        kill -"$signal" "$pid"
    fi
}

# reap PID: waits for a stopped daemon (bounded) and forgets it.
reap() {
    local pid=$1 i
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then fail "pid $pid did not stop within 10 s"; kill -KILL "$pid"; fi
    wait "$pid" 2>/dev/null || echo "  (pid $pid exited with status $?)"
    local kept=()
    for p in "${pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
    pids=("${kept[@]}")
}

# expect_master NS OTHER KIND OTHERKIND: NS holds the VIP, OTHER does not, lvsd sides report.
expect_master() {
    local ns=$1 other=$2 kind=$3 otherkind=$4 what=$5
    if wait_for 20 has_vip "$ns"; then ok "$what: $ns holds the VIP"; else fail "$what: $ns has no VIP"; fi
    if [ "$kind" = lvsd ]; then
        if wait_for 10 state_is "$ns" MASTER; then ok "$what: lvsctl status in $ns says MASTER"
        else fail "$what: lvsctl status in $ns says $(state_of "$ns"), not MASTER"; fi
    fi
    if [ "$otherkind" = lvsd ]; then
        if wait_for 10 state_is "$other" BACKUP; then ok "$what: lvsctl status in $other says BACKUP"
        else fail "$what: lvsctl status in $other says $(state_of "$other"), not BACKUP"; fi
    fi
    if has_vip "$other"; then fail "$what: $other holds the VIP too"; else ok "$what: $other holds no VIP"; fi
}

# count_removals NS: how often the director in NS was told its instance is not MASTER.
count_removals() { awk '/VRRP not MASTER/ { n++ } END { print n + 0 }' "$work/$1.log"; }

# scenario MASTERKIND BACKUPKIND VERSION
scenario() {
    local mkind=$1 bkind=$2 version=$3
    local name="v$version $mkind(MASTER, A) vs $bkind(BACKUP, B)"
    echo "=== $name"
    local mlabel="v$version-$mkind-master-vs-$bkind" blabel="v$version-$bkind-backup-vs-$mkind"
    # The MASTER starts alone first, so that the BACKUP's notify sequence does not depend on
    # which daemon starts faster.
    start "$mkind" "$nsA" "$version" 150 "$mlabel"; local mpid=$started_pid
    wait_for 20 has_vip "$nsA" || fail "$name: $nsA alone never took the VIP"
    start "$bkind" "$nsB" "$version" 100 "$blabel"; local bpid=$started_pid
    expect_master "$nsA" "$nsB" "$mkind" "$bkind" "$name, start"
    if [ "$mkind" = lvsd ] && [ "$version" = 2 ]; then
        # The issue's form: the socket before the subcommand.
        if ip netns exec "$nsA" "$lvsctl" --control-socket "$work/$nsA.sock" status > "$work/status.txt" 2>&1 \
            && grep -q "^VI_1 (eth0, vrid 51, v2): MASTER" "$work/status.txt"; then
            ok "$name: lvsctl status text shows VI_1 MASTER"
            sed -n '/^VRRP:/,/^$/p' "$work/status.txt"
        else
            fail "$name: lvsctl status text: $(cat "$work/status.txt")"
        fi
    fi

    # SIGTERM of the MASTER: priority 0, the BACKUP takes over at once.
    local t0; t0=$(now_ns)
    stop_with TERM "$mkind" "$nsA" "$mpid"
    if wait_for 20 has_vip "$nsB"; then
        local ms=$(( ($(now_ns) - t0) / 1000000 ))
        ok "$name: SIGTERM of the MASTER: $nsB took the VIP after $ms ms"
        results+=("v$version $bkind as BACKUP, $mkind MASTER SIGTERM: $ms ms")
    else
        fail "$name: SIGTERM of the MASTER: $nsB never took the VIP"
    fi
    reap "$mpid"
    if has_vip "$nsA"; then fail "$name: the stopped MASTER left the VIP on $nsA"; else ok "$name: the stopped MASTER removed its VIP"; fi

    # Restart: the higher priority side preempts. A restarted lvsd keeps its instance's
    # virtual servers while it settles: it never reports "not MASTER" on its way to MASTER.
    local removals; removals=$(count_removals "$nsA")
    start "$mkind" "$nsA" "$version" 150 "$mlabel"; mpid=$started_pid
    expect_master "$nsA" "$nsB" "$mkind" "$bkind" "$name, restarted MASTER preempts"
    if [ "$mkind" = lvsd ]; then
        if [ "$(count_removals "$nsA")" = "$removals" ]; then
            ok "$name: the restarted MASTER never removed its virtual servers while settling"
        else
            fail "$name: the restarted MASTER reported not MASTER while settling"
        fi
    fi

    # SIGKILL of the MASTER: the BACKUP takes over after the master down interval.
    t0=$(now_ns)
    stop_with KILL "$mkind" "$nsA" "$mpid"
    if wait_for 20 has_vip "$nsB"; then
        local ms=$(( ($(now_ns) - t0) / 1000000 ))
        ok "$name: SIGKILL of the MASTER: $nsB took the VIP after $ms ms"
        results+=("v$version $bkind as BACKUP, $mkind MASTER SIGKILL: $ms ms")
    else
        fail "$name: SIGKILL of the MASTER: $nsB never took the VIP"
    fi
    if [ "$bkind" = lvsd ]; then
        if wait_for 10 state_is "$nsB" MASTER; then ok "$name: lvsctl status in $nsB says MASTER"
        else fail "$name: lvsctl status in $nsB says $(state_of "$nsB") after the takeover"; fi
    fi
    reap "$mpid"
    # A killed daemon leaves its VIP behind; remove it before the next scenario.
    if has_vip "$nsA"; then ip -n "$nsA" addr del "$vip/24" dev eth0; fi
    # The new MASTER's notify scripts first: a SIGTERM right after the takeover starts the STOP
    # ones while they still run, and their lines then come in either order (keepalived's too).
    # (It became MASTER twice: after the SIGTERM and now.)
    wait_for 10 eval "[ \"\$(grep -c 'MASTER 100\$' '$work/notify-$blabel.log' 2>/dev/null)\" = 2 ] \
        && [ \"\$(grep -c '^master-script\$' '$work/notify-$blabel.log' 2>/dev/null)\" = 2 ]" || true
    stop_with TERM "$bkind" "$nsB" "$bpid"
    reap "$bpid"
    if has_vip "$nsB"; then fail "$name: $nsB kept the VIP after SIGTERM"; ip -n "$nsB" addr del "$vip/24" dev eth0; fi
}

# An instance on a missing interface: lvsd keeps running and says why in lvsctl status.
missing_interface() {
    echo "=== an instance on a missing interface"
    start lvsd "$nsA" 2 150
    local pid=$started_pid
    sed -i 's/interface eth0/interface nosuch0/' "$work/$nsA.conf"
    stop_with TERM lvsd "$nsA" "$pid"
    reap "$pid"
    rm -f "$work/$nsA.sock"
    ip netns exec "$nsA" "$lvsd" -f "$work/$nsA.conf" --pid-file "$work/$nsA.pid" \
        --control-socket "$work/$nsA.sock" --state-dir "$work/$nsA.state" >>"$work/$nsA.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    if wait_for 10 state_is "$nsA" "NOT RUNNING"; then ok "lvsctl status says NOT RUNNING"
    else fail "lvsctl status says $(state_of "$nsA") for an instance on a missing interface"; fi
    if ip netns exec "$nsA" "$lvsctl" status --control-socket "$work/$nsA.sock" > "$work/status.txt" 2>&1 \
        && grep -q "^  error: .*nosuch0" "$work/status.txt"; then
        ok "lvsctl status gives the error"
        sed -n '/^VRRP:/,/^$/p' "$work/status.txt"
    else
        fail "lvsctl status: $(cat "$work/status.txt")"
    fi
    if kill -0 "$pid"; then ok "lvsd keeps running"; else fail "lvsd exited"; fi
    stop_with TERM lvsd "$nsA" "$pid"
    reap "$pid"
}
want missing-interface && missing_interface

# Hostile packets: lvsd MASTER in A with a VRRPv2 instance (PASS authentication) and a VRRPv3
# one; C (10.9.0.66, on the same bridge) sends crafted packets with hostile-vrrp.py, which
# checks the counters, the state and the VIPs after each case and prints ok/FAIL lines.
hostile_scenario() {
    echo "=== hostile packets from another namespace"
    ip netns add "$nsC"
    ip link add eth0 netns "$nsC" type veth peer name pc netns "$nsBr"
    ip -n "$nsBr" link set pc master br0 up
    ip -n "$nsC" link set lo up
    ip -n "$nsC" link set eth0 up
    ip -n "$nsC" addr add 10.9.0.66/24 dev eth0
    # The kernel drops a packet whose source is one of its own addresses (a martian) unless
    # accept_local is set; with it, the spoofed-source case reaches lvsd's own check.
    ip netns exec "$nsA" sysctl -qw net.ipv4.conf.all.accept_local=1 net.ipv4.conf.eth0.accept_local=1
    cat > "$work/$nsA.conf" <<EOF
vrrp_instance VI_V2 {
    version 2
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass secret1
    }
    virtual_ipaddress {
        10.9.0.100/24
    }
}
vrrp_instance VI_V3 {
    version 3
    state BACKUP
    interface eth0
    virtual_router_id 52
    priority 150
    advert_int 1
    virtual_ipaddress {
        10.9.0.101/24
    }
}
EOF
    launch lvsd "$nsA"; local pid=$started_pid
    if wait_for 20 state_is "$nsA" MASTER && wait_for 10 has_vip "$nsA"; then
        local rc=0
        ip netns exec "$nsC" python3 "$root/Tests/vrrp-host/hostile-vrrp.py" "$nsA" "$pid" "$lvsctl" \
            "$work/$nsA.sock" 10.9.0.66 || rc=$?
        failures=$((failures + rc))
        if ip netns exec "$nsA" "$lvsctl" status --control-socket "$work/$nsA.sock" > "$work/status.txt" 2>&1; then
            sed -n '/^VRRP:/,/^$/p' "$work/status.txt"
        fi
    else
        fail "hostile: lvsd in $nsA never became MASTER with the VIP ($(state_of "$nsA"))"
    fi
    if kill -0 "$pid" 2>/dev/null; then ok "hostile: lvsd still runs"; else fail "hostile: lvsd exited"; fi
    stop_with TERM lvsd "$nsA" "$pid"
    reap "$pid"
    if has_vip "$nsA"; then fail "hostile: lvsd left the VIP after SIGTERM"; ip -n "$nsA" addr del "$vip/24" dev eth0; fi
    ip -n "$nsA" addr del 10.9.0.101/24 dev eth0 2>/dev/null || true
    ip netns exec "$nsA" sysctl -qw net.ipv4.conf.all.accept_local=0 net.ipv4.conf.eth0.accept_local=0
    ip netns del "$nsC"
}
want hostile && hostile_scenario

# track_script: lvsd MASTER in A (priority 150) tracks a vrrp_script with weight -60; when the
# script fails, its priority drops to 90 and the BACKUP (100, lvsd or keepalived) preempts;
# when the script succeeds again, A takes the VIP back.
track_scenario() {
    local bkind=$1
    local name="v3 track_script: lvsd(150, A) vs $bkind(100, B)"
    echo "=== $name"
    rm -f "$work/down-flag"
    start "$bkind" "$nsB" 3 100; local bpid=$started_pid
    config 3 150 lvsd > "$work/$nsA.conf"
    sed -i "s|^vrrp_instance VI_1 {|vrrp_script chk {\n    script \"/usr/bin/test ! -e $work/down-flag\"\n    interval 1\n    weight -60\n}\nvrrp_instance VI_1 {\n    track_script {\n        chk\n    }|" "$work/$nsA.conf"
    rm -f "$work/$nsA.sock"
    ip netns exec "$nsA" "$lvsd" -f "$work/$nsA.conf" --pid-file "$work/$nsA.pid" \
        --control-socket "$work/$nsA.sock" --state-dir "$work/$nsA.state" >>"$work/$nsA.log" 2>&1 &
    local apid=$!
    pids+=("$apid")
    expect_master "$nsA" "$nsB" lvsd "$bkind" "$name, start"
    local t0; t0=$(now_ns)
    touch "$work/down-flag"
    if wait_for 20 has_vip "$nsB"; then
        ok "$name: the script failed: $nsB took the VIP after $(( ($(now_ns) - t0) / 1000000 )) ms"
    else
        fail "$name: the script failed but $nsB has no VIP"
    fi
    if wait_for 10 has_no_vip "$nsA"; then ok "$name: $nsA gave the VIP up"; else fail "$name: $nsA kept the VIP"; fi
    local effective
    effective=$(ip netns exec "$nsA" "$lvsctl" status --json --control-socket "$work/$nsA.sock" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["lvsd"]["vrrp"][0]["effectivePriority"])')
    if [ "$effective" = 90 ]; then ok "$name: effective priority 90"; else fail "$name: effective priority $effective, not 90"; fi
    rm -f "$work/down-flag"
    expect_master "$nsA" "$nsB" lvsd "$bkind" "$name, the script succeeds again"
    stop_with TERM lvsd "$nsA" "$apid"
    reap "$apid"
    stop_with TERM "$bkind" "$nsB" "$bpid"
    reap "$bpid"
}
has_no_vip() { ! has_vip "$1"; }
if want track-script; then
    track_scenario lvsd
    if [ -x "$keepalived" ]; then track_scenario keepalived; fi
fi

# track_file and vrrp_track_process: track-scenario.sh.
if want track-file; then
    # shellcheck source=Tests/vrrp-host/track-scenario.sh
    source "$root/Tests/vrrp-host/track-scenario.sh"
    track_file_scenario lvsd
    if [ -x "$keepalived" ]; then track_file_scenario keepalived; track_file_keepalived_scenario; fi
fi

# Split brain over a one-way link: A (150) sends its unicast adverts to 10.9.0.9, which nobody
# has, so B (100) never hears it and becomes MASTER too; B's adverts reach A, which stays
# MASTER and runs notify_master_rx_lower_pri for them (keepalived does; so must lvsd). lvsd as
# A also logs each one with the other master's address and priority and counts it in lvsctl
# status; lvsd as B, which hears nothing, counts none.
split_brain_scenario() {
    local akind=$1 bkind=$2
    local name="v3 split brain: $akind(150, A) hears $bkind(100, B)"
    echo "=== $name"
    local notify=$work/notify-split-$akind.log
    rm -f "$notify"
    config 3 150 "$akind" > "$work/$nsA.conf"
    sed -i "s|^    interface eth0|    interface eth0\n    unicast_peer {\n        10.9.0.9\n    }\n    notify_master_rx_lower_pri \"$work/notify.sh split-$akind rx-lower\"|" "$work/$nsA.conf"
    config 3 100 "$bkind" > "$work/$nsB.conf"
    sed -i "s|^    interface eth0|    interface eth0\n    unicast_peer {\n        10.9.0.1\n    }|" "$work/$nsB.conf"
    # Only this scenario's part of A's log counts (earlier scenarios append to it).
    local logged=0
    if [ -f "$work/$nsA.log" ]; then logged=$(wc -l < "$work/$nsA.log"); fi
    launch "$akind" "$nsA"; local apid=$started_pid
    wait_for 20 has_vip "$nsA" || fail "$name: $nsA alone never took the VIP"
    launch "$bkind" "$nsB"; local bpid=$started_pid
    if wait_for 20 has_vip "$nsB" && has_vip "$nsA"; then ok "$name: both hold the VIP"
    else fail "$name: not both MASTER (A: $(has_vip "$nsA" && echo VIP), B: $(has_vip "$nsB" && echo VIP))"; fi
    if wait_for 10 grep -q '^rx-lower$' "$notify"; then
        ok "$name: $akind ran notify_master_rx_lower_pri ($(wc -l < "$notify") times so far)"
    else
        fail "$name: $akind did not run notify_master_rx_lower_pri"
    fi
    if [ "$akind" = lvsd ]; then
        local count
        count=$(ip netns exec "$nsA" "$lvsctl" status --json --control-socket "$work/$nsA.sock" \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["lvsd"]["vrrp"][0]["otherMasterAdverts"])')
        if [ "$count" -gt 0 ]; then ok "$name: lvsctl status --json: otherMasterAdverts $count"
        else fail "$name: lvsctl status --json: otherMasterAdverts $count"; fi
        if ip netns exec "$nsA" "$lvsctl" status --control-socket "$work/$nsA.sock" > "$work/status.txt" 2>&1 \
            && grep -q "^  adverts sent [0-9]* received [0-9]*, announcements [0-9]*, other master adverts [1-9]" "$work/status.txt"; then
            ok "$name: lvsctl status text:"
            sed -n '/^VRRP:/,/^$/p' "$work/status.txt"
        else
            fail "$name: lvsctl status text: $(cat "$work/status.txt")"
        fi
        tail -n +$((logged + 1)) "$work/$nsA.log" > "$work/split.log"
        if grep "heard a lower priority master (split brain)" "$work/split.log" | grep "vrrp.peer=10.9.0.2" \
            | grep -q "vrrp.peer_priority=100"; then
            ok "$name: the log names the other master: $(grep -m1 'heard a lower priority master' "$work/split.log")"
        else
            fail "$name: no log line naming 10.9.0.2 priority 100"
        fi
    fi
    if [ "$bkind" = lvsd ]; then
        local other
        other=$(ip netns exec "$nsB" "$lvsctl" status --json --control-socket "$work/$nsB.sock" \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["lvsd"]["vrrp"][0]["otherMasterAdverts"])')
        if [ "$other" = 0 ]; then ok "$name: B, which hears no one, counts no other master"
        else fail "$name: B counts $other other master adverts"; fi
    fi
    stop_with TERM "$akind" "$nsA" "$apid"
    reap "$apid"
    stop_with TERM "$bkind" "$nsB" "$bpid"
    reap "$bpid"
    for ns in "$nsA" "$nsB"; do if has_vip "$ns"; then ip -n "$ns" addr del "$vip/24" dev eth0; fi; done
}
if want split-brain; then
    split_brain_scenario lvsd lvsd
    if [ -x "$keepalived" ]; then
        split_brain_scenario keepalived lvsd
        split_brain_scenario lvsd keepalived
    fi
fi

# Sync group (LVS-NAT): VI_EXT on eth0 (VIP 10.9.0.100) and VI_INT, the gateway VIP, on eth1
# (a second bridge; VIP 10.10.0.100), in vrrp_sync_group G on both directors; A 150, B 100.
# Both VIPs are always on one director: A at start; B when A's eth1 goes down (VI_INT to FAULT),
# when A's VI_INT track_script fails and when the group's track_script fails on A; A again when
# each recovers (preempting together).
# Run lvsd vs lvsd, lvsd vs keepalived and keepalived vs lvsd; then the group's `notify`
# arguments (GROUP G STATE 0), in order, are compared with keepalived's in the same role.
sg_vip_int=10.10.0.100
# has_vip_on NS DEV VIP
has_vip_on() { ip -n "$1" -4 -o addr show dev "$2" | grep -q " $3/"; }
# sg_holds NS: NS holds both VIPs.
sg_holds() { has_vip_on "$1" eth0 "$vip" && has_vip_on "$1" eth1 "$sg_vip_int"; }
# sg_holds_none NS: NS holds neither.
sg_holds_none() { ! has_vip_on "$1" eth0 "$vip" && ! has_vip_on "$1" eth1 "$sg_vip_int"; }
# sg_states NS: "STATE STATE GROUP-STATE" of VI_EXT, VI_INT from lvsctl status --json.
sg_states() {
    ip netns exec "$1" "$lvsctl" status --json --control-socket "$work/$1.sock" 2>/dev/null \
        | python3 -c 'import json,sys; v={i["name"]: i for i in json.load(sys.stdin)["lvsd"]["vrrp"]}; print(v["VI_EXT"]["state"], v["VI_INT"]["state"], v["VI_EXT"].get("syncGroupState"))' \
        2>/dev/null || echo unreachable
}
sg_states_are() { [ "$(sg_states "$1")" = "$2" ]; }

# sg_config PRIORITY LABEL FLAG: one director's configuration; VI_INT tracks a script that
# fails while FLAG exists, the group one that fails while FLAG-group exists.
sg_config() {
    local priority=$1 label=$2 flag=$3
    cat <<EOF
global_defs {
    vrrp_version 3
}
vrrp_script chk_int {
    script "/usr/bin/test ! -e $flag"
    interval 1
}
vrrp_script chk_group {
    script "/usr/bin/test ! -e $flag-group"
    interval 1
}
vrrp_instance VI_EXT {
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority $priority
    advert_int 0.1
    notify "$work/notify.sh $label-VI_EXT"
    virtual_ipaddress {
        $vip/24
    }
}
vrrp_instance VI_INT {
    state BACKUP
    interface eth1
    virtual_router_id 62
    priority $priority
    advert_int 0.1
    notify "$work/notify.sh $label-VI_INT"
    track_script {
        chk_int
    }
    virtual_ipaddress {
        $sg_vip_int/24
    }
}
vrrp_sync_group G {
    group {
        VI_EXT
        VI_INT
    }
    track_script {
        chk_group
    }
    notify_master "$work/notify.sh $label master-script"
    notify "$work/notify.sh $label"
}
EOF
}

# sg_expect NS OTHER KIND OTHERKIND WHAT: NS holds both VIPs, OTHER none; lvsd sides report.
sg_expect() {
    local ns=$1 other=$2 kind=$3 otherkind=$4 what=$5
    if wait_for 20 sg_holds "$ns"; then ok "$what: $ns holds both VIPs"; else fail "$what: $ns does not hold both VIPs"; fi
    if wait_for 10 sg_holds_none "$other"; then ok "$what: $other holds neither VIP"
    else fail "$what: $other still holds a VIP"; fi
    if [ "$kind" = lvsd ]; then
        if wait_for 10 sg_states_are "$ns" "MASTER MASTER MASTER"; then ok "$what: lvsctl status in $ns: MASTER MASTER, group MASTER"
        else fail "$what: lvsctl status in $ns: $(sg_states "$ns")"; fi
    fi
    if [ "$otherkind" = lvsd ]; then
        if wait_for 10 sg_states_are "$other" "BACKUP BACKUP BACKUP"; then ok "$what: lvsctl status in $other: BACKUP BACKUP, group BACKUP"
        else fail "$what: lvsctl status in $other: $(sg_states "$other")"; fi
    fi
}

# sg_takeover WHAT: B takes both VIPs, A holds neither (A's lvsd says FAULT); prints the time.
sg_takeover() {
    local what=$1 t0=$2
    if wait_for 20 sg_holds "$nsB"; then
        local ms=$(( ($(now_ns) - t0) / 1000000 ))
        ok "$name: $what: $nsB took both VIPs after $ms ms"
        results+=("sync group, $bkind as B, $akind as A, $what: $ms ms")
    else
        fail "$name: $what: $nsB does not hold both VIPs"
    fi
    if wait_for 10 sg_holds_none "$nsA"; then ok "$name: $what: $nsA holds neither VIP"
    else fail "$name: $what: $nsA still holds a VIP"; fi
    if [ "$akind" = lvsd ]; then
        if wait_for 10 sg_states_are "$nsA" "FAULT FAULT FAULT"; then ok "$name: $what: lvsctl status in $nsA: FAULT FAULT, group FAULT"
        else fail "$name: $what: lvsctl status in $nsA: $(sg_states "$nsA")"; fi
    fi
}

# syncgroup_scenario AKIND BKIND (sets name, akind, bkind for sg_takeover)
syncgroup_scenario() {
    akind=$1 bkind=$2
    name="sync group: $akind(150, A) vs $bkind(100, B)"
    echo "=== $name"
    ip -n "$nsBr" link add br1 type bridge
    ip -n "$nsBr" link set br1 up
    for side in a b; do
        ip link add eth1 netns "${tag}$side" type veth peer name "q$side" netns "$nsBr"
        ip -n "$nsBr" link set "q$side" master br1 up
        ip -n "${tag}$side" link set eth1 up
    done
    ip -n "$nsA" addr add 10.10.0.1/24 dev eth1
    ip -n "$nsB" addr add 10.10.0.2/24 dev eth1
    local alabel="sg-$akind-A-vs-$bkind" blabel="sg-$bkind-B-vs-$akind"
    rm -f "$work/sg-down-a" "$work/sg-down-b" "$work/sg-down-a-group" "$work/sg-down-b-group" "$work/notify-$alabel"*.log "$work/notify-$blabel"*.log
    sg_config 150 "$alabel" "$work/sg-down-a" > "$work/$nsA.conf"
    sg_config 100 "$blabel" "$work/sg-down-b" > "$work/$nsB.conf"
    launch "$akind" "$nsA"; local apid=$started_pid
    wait_for 20 sg_holds "$nsA" || fail "$name: $nsA alone never took both VIPs"
    launch "$bkind" "$nsB"; local bpid=$started_pid
    sg_expect "$nsA" "$nsB" "$akind" "$bkind" "$name, start"
    if [ "$akind" = lvsd ]; then
        if ip netns exec "$nsA" "$lvsctl" status --control-socket "$work/$nsA.sock" > "$work/status.txt" 2>&1 \
            && grep -q "^VI_EXT (eth0, vrid 61, v3): MASTER.*, sync group G MASTER$" "$work/status.txt" \
            && grep -q "^VI_INT (eth1, vrid 62, v3): MASTER.*, sync group G MASTER$" "$work/status.txt"; then
            ok "$name: lvsctl status text names the group:"
            sed -n '/^VRRP:/,/^$/p' "$work/status.txt"
        else
            fail "$name: lvsctl status text: $(cat "$work/status.txt")"
        fi
    fi

    # A's eth1 goes down: VI_INT to FAULT, and VI_EXT with it; B takes both.
    ip -n "$nsA" link set eth1 down
    sg_takeover "A's eth1 down" "$(now_ns)"
    ip -n "$nsA" link set eth1 up
    sg_expect "$nsA" "$nsB" "$akind" "$bkind" "$name, A's eth1 up again"

    # A's VI_INT track_script fails: the same.
    touch "$work/sg-down-a"
    sg_takeover "A's VI_INT track_script failed" "$(now_ns)"
    rm -f "$work/sg-down-a"
    sg_expect "$nsA" "$nsB" "$akind" "$bkind" "$name, A's script succeeds again"

    # The group's own track_script fails on A: every member goes to FAULT.
    touch "$work/sg-down-a-group"
    sg_takeover "A's group track_script failed" "$(now_ns)"
    rm -f "$work/sg-down-a-group"
    sg_expect "$nsA" "$nsB" "$akind" "$bkind" "$name, A's group script succeeds again"

    stop_with TERM "$akind" "$nsA" "$apid"
    reap "$apid"
    if wait_for 20 sg_holds "$nsB"; then ok "$name: A stopped: $nsB holds both VIPs"
    else fail "$name: A stopped: $nsB does not hold both VIPs"; fi
    stop_with TERM "$bkind" "$nsB" "$bpid"
    reap "$bpid"
    for ns in "$nsA" "$nsB"; do
        if has_vip_on "$ns" eth0 "$vip"; then fail "$name: $ns kept $vip after SIGTERM"; ip -n "$ns" addr del "$vip/24" dev eth0; fi
        ip -n "$ns" link del eth1
    done
    ip -n "$nsBr" link del br1
}

# sg_compare OURS THEIRS: the group's notify lines (GROUP G STATE 0) lvsd ran, in order, are
# keepalived's in the same role, and notify_master ran as often; so are each member's own
# notify lines (INSTANCE NAME STATE PRIORITY).
sg_compare() {
    local ours=$work/notify-$1.log theirs=$work/notify-$2.log
    if [ -f "$ours" ] && [ -f "$theirs" ] \
        && diff -u <(grep '^GROUP ' "$theirs") <(grep '^GROUP ' "$ours") \
        && [ "$(grep -c '^master-script$' "$theirs")" = "$(grep -c '^master-script$' "$ours")" ]; then
        ok "sync group notify: $1 ran what $2 ran:"
        sed 's/^/    /' "$ours"
    else
        fail "sync group notify: $1 differs from $2 (above); lvsd: $(cat "$ours" 2>&1); keepalived: $(cat "$theirs" 2>&1)"
    fi
    local member
    for member in VI_EXT VI_INT; do
        ours=$work/notify-$1-$member.log theirs=$work/notify-$2-$member.log
        if [ -f "$ours" ] && [ -f "$theirs" ] && diff -u "$theirs" "$ours"; then
            ok "sync group notify: $1's $member ran what $2's ran: $(tr '\n' ';' < "$ours")"
        else
            fail "sync group notify: $1's $member differs from $2's (above)"
        fi
    done
}

if want syncgroup; then
    syncgroup_scenario lvsd lvsd
    if [ -x "$keepalived" ]; then
        syncgroup_scenario lvsd keepalived
        syncgroup_scenario keepalived lvsd
        sg_compare sg-lvsd-A-vs-keepalived sg-keepalived-A-vs-lvsd
        sg_compare sg-lvsd-B-vs-keepalived sg-keepalived-B-vs-lvsd
    else
        echo "skipped: keepalived sync group scenarios (no $keepalived)"
    fi
fi

want failover && for version in 2 3; do
    scenario lvsd lvsd "$version"
    if [ -x "$keepalived" ]; then
        scenario keepalived lvsd "$version"
        scenario lvsd keepalived "$version"
    else
        echo "skipped: keepalived scenarios (no $keepalived)"
    fi
done

# Reload (lvsctl reload, as SIGHUP) of VRRP settings: reload-scenario.sh.
if want reload; then
    # shellcheck source=Tests/vrrp-host/reload-scenario.sh
    source "$root/Tests/vrrp-host/reload-scenario.sh"
    reload_scenario
fi

# virtual_routes and virtual_rules: routes-scenario.sh.
if want routes; then
    # shellcheck source=Tests/vrrp-host/routes-scenario.sh
    source "$root/Tests/vrrp-host/routes-scenario.sh"
    routes_scenario
fi

# use_vmac: vmac-scenario.sh.
if want vmac; then
    # shellcheck source=Tests/vrrp-host/vmac-scenario.sh
    source "$root/Tests/vrrp-host/vmac-scenario.sh"
    vmac_scenario
fi

# Partition and heal, the client's outage measured: partition-scenario.sh.
if want partition; then
    # shellcheck source=Tests/vrrp-host/partition-scenario.sh
    source "$root/Tests/vrrp-host/partition-scenario.sh"
    partition_scenario
fi

# notify scripts: lvsd's `notify` arguments, in order, are keepalived's in the same role, and
# notify_master ran as often. (The two scripts of one transition start together, in keepalived
# as in lvsd, so their relative order varies from run to run.)
compare_notify() {
    local ours=$work/notify-$1.log theirs=$work/notify-$2.log
    if [ -f "$ours" ] && [ -f "$theirs" ] \
        && diff -u <(grep -v '^master-script$' "$theirs") <(grep -v '^master-script$' "$ours") \
        && [ "$(grep -c '^master-script$' "$theirs")" = "$(grep -c '^master-script$' "$ours")" ]; then
        ok "notify: $1 ran what $2 ran:"
        sed 's/^/    /' "$ours"
    else
        fail "notify: $1 differs from $2 (above); lvsd: $(cat "$ours" 2>&1); keepalived: $(cat "$theirs" 2>&1)"
    fi
}
# vrrp_notify_fifo: the lines lvsd's FIFO script read, in order, are those keepalived's read in
# the same role (INSTANCE "VI_1" STATE PRIORITY), but for two kinds:
# - STOP: both write it at a SIGTERM, but keepalived kills its own FIFO script as it exits,
#   before the script reads the line (an outside reader gets it: checked by hand with
#   keepalived 2.2.7 and `cat FIFO`); lvsd closes the FIFO and gives the script a second, so
#   lvsd's script must read one STOP per SIGTERM, which is checked instead;
# - MASTER_RX_LOWER_PRI: lvsd, when it yields, sends one advert at its own priority (see
#   higher_prio_send_advert in the README), which a keepalived MASTER reports; keepalived
#   yields silently, so an lvsd MASTER has nothing to report.
compare_fifo() {
    local ours=$work/fifo-$1.log theirs=$work/fifo-$2.log stops=$3
    local skip='" (STOP|MASTER_RX_LOWER_PRI) '
    if [ -s "$ours" ] && diff -u <(grep -Ev "$skip" "$theirs") <(grep -Ev "$skip" "$ours") \
        && [ "$(grep -c '" STOP ' "$ours")" = "$stops" ]; then
        ok "notify FIFO: $1 wrote what $2 wrote, and $stops STOP: $(tr '\n' ';' < "$ours")"
    else
        fail "notify FIFO: $1 differs from $2 (above), or not $stops STOP; lvsd: $(cat "$ours" 2>&1); keepalived: $(cat "$theirs" 2>&1)"
    fi
}
if want failover && [ -x "$keepalived" ]; then
    for version in 2 3; do
        compare_notify "v$version-lvsd-master-vs-keepalived" "v$version-keepalived-master-vs-lvsd"
        compare_notify "v$version-lvsd-backup-vs-keepalived" "v$version-keepalived-backup-vs-lvsd"
        # The MASTER gets one SIGTERM; the BACKUP is stopped once at the end.
        compare_fifo "v$version-lvsd-master-vs-keepalived" "v$version-keepalived-master-vs-lvsd" 1
        compare_fifo "v$version-lvsd-backup-vs-keepalived" "v$version-keepalived-backup-vs-lvsd" 1
    done
fi

echo "=== takeover times (printed, not asserted)"
for line in "${results[@]}"; do echo "  $line"; done
if ((failures > 0)); then
    echo "FAILED: $failures checks; logs:"
    for f in "$work"/*.log; do echo "--- $f"; tail -n 30 "$f"; done
    exit 1
fi
echo "all checks passed"
