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
# FAILOVER_ONLY=NAME runs one group only (missing-interface, hostile, track-script, split-brain,
# syncgroup, failover, reload); unset, all run.
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

# config VERSION PRIORITY [KIND [LABEL]]: the configuration of one side.
config() {
    local version=$1 priority=$2 kind=${3:-lvsd} label=${4:-none} advert=1 auth=""
    if [ "$version" = 3 ]; then advert=0.1; else
        auth="    authentication {
        auth_type PASS
        auth_pass secret1
    }"
    fi
    cat <<EOF
global_defs {
    vrrp_version $version
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
        if ip netns exec "$nsA" "$lvsctl" status --control-socket "$work/$nsA.sock" > "$work/status.txt" 2>&1 \
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

# Reload (lvsctl reload, as SIGHUP) of VRRP settings, lvsd vs lvsd, v3 advert 0.1 s: A (150) runs
# VI_1 (VIP 10.9.0.100, also on B at 100) and VI_2 (10.9.0.200, on A only). On A, in turn:
# a reload of the same file touches nothing (no transition logged on either side, adverts go
# on, counters not reset, no gratuitous ARP); a VIP added to VI_1 appears on A's eth0 without a
# transition (then on B too, which stays BACKUP: as with keepalived, a side whose list differs
# from the master's rejects its adverts, addr_list_err, unless skip_check_adv_addr lets the
# current master's through; both sides set it); VI_2 removed stops (its VIP leaves, its notify
# gets keepalived's deleted notification `INSTANCE VI_2 FAULT 150`); VI_1's priority lowered
# to 50 makes B preempt. Before VI_2 goes: its virtual_router_id changed restarts it (deleted
# notification, BACKUP, MASTER again); after: VI_3 added starts and takes its VIP.
# reload_config PRIORITY EXTRA_VIP_LINE VI_2 [VI_3]: VI_2 is its virtual_router_id, or "no";
# VI_3 "yes" adds it (vrid 53, 10.9.0.203). Last, on B (then MASTER), a failing track_script
# added by a reload lowers its priority and A preempts.
reload_config() {
    local priority=$1 extra_vip=$2 vi2=$3 vi3=${4:-no}
    cat <<EOF
global_defs {
    vrrp_version 3
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $priority
    advert_int 0.1
    skip_check_adv_addr
    virtual_ipaddress {
        $vip/24
$extra_vip
    }
}
EOF
    if [ "$vi2" != no ]; then
        cat <<EOF
vrrp_instance VI_2 {
    state BACKUP
    interface eth0
    virtual_router_id $vi2
    priority 150
    advert_int 0.1
    notify "$work/notify.sh reload-vi2"
    virtual_ipaddress {
        10.9.0.200/24
    }
}
EOF
    fi
    if [ "$vi3" = yes ]; then
        cat <<EOF
vrrp_instance VI_3 {
    interface eth0
    virtual_router_id 53
    priority 150
    advert_int 0.1
    virtual_ipaddress {
        10.9.0.203/24
    }
}
EOF
    fi
}

# vrrp_field NS INSTANCE FIELD: one field of one instance in lvsctl status --json ("absent"
# when the instance is not listed).
vrrp_field() {
    ip netns exec "$1" "$lvsctl" status --json --control-socket "$work/$1.sock" 2>/dev/null \
        | python3 -c 'import json,sys; v=[i for i in json.load(sys.stdin)["lvsd"]["vrrp"] if i["name"]==sys.argv[1]]; print(v[0][sys.argv[2]] if v else "absent")' "$2" "$3" \
        2>/dev/null || echo unreachable
}
field_is() { [ "$(vrrp_field "$1" "$2" "$3")" = "$4" ]; }
# transitions NS: how many state changes the lvsd in NS logged so far.
transitions() { awk '/VRRP [A-Z]+ -> [A-Z]+/ { n++ } END { print n + 0 }' "$work/$1.log"; }
# reloads_done NS: how many VRRP reloads the lvsd in NS carried out.
reloads_done() { awk '/VRRP reload done/ { n++ } END { print n + 0 }' "$work/$1.log"; }
# has_addr NS ADDRESS: ADDRESS is on NS's eth0 (the list read whole, so that a failed read is
# never taken for "absent" by lacks_addr).
has_addr() { local list; list=$(ip -n "$1" -4 -o addr show dev eth0) && [[ $list == *" $2/"* ]]; }
lacks_addr() { local list; list=$(ip -n "$1" -4 -o addr show dev eth0) && [[ $list != *" $2/"* ]]; }
more_reloads() { [ "$(reloads_done "$1")" -gt "$2" ]; }
# notify_log_is LABEL LINES: notify-LABEL.log holds LINES (comma separated), in order.
notify_log_is() { [ "$(paste -sd, "$work/notify-$1.log" 2>/dev/null)" = "$2" ]; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }

# reload_in NS WHAT: lvsctl reload in NS; waits until lvsd logged the VRRP reload as done.
reload_in() {
    local ns=$1 what=$2 before; before=$(reloads_done "$1")
    if ip netns exec "$ns" "$lvsctl" reload --control-socket "$work/$ns.sock" >/dev/null; then
        ok "$what: lvsctl reload accepted"
    else
        fail "$what: lvsctl reload refused"
    fi
    if wait_for 10 more_reloads "$ns" "$before"; then ok "$what: VRRP reload carried out"
    else fail "$what: no new 'VRRP reload done' in $ns's log"; fi
}

reload_scenario() {
    local name="reload: lvsd(150, A) vs lvsd(100, B), v3"
    echo "=== $name"
    rm -f "$work/$nsA.log" "$work/$nsB.log" "$work/notify-reload-vi2.log"
    reload_config 100 "" no > "$work/$nsB.conf"
    launch lvsd "$nsB"; local bpid=$started_pid
    reload_config 150 "" 52 > "$work/$nsA.conf"
    launch lvsd "$nsA"; local apid=$started_pid
    expect_master "$nsA" "$nsB" lvsd lvsd "$name, start"
    if wait_for 10 has_addr "$nsA" 10.9.0.200 && wait_for 10 field_is "$nsA" VI_2 state MASTER; then
        ok "$name: A is MASTER of VI_2 (10.9.0.200)"
    else fail "$name: A is not MASTER of VI_2"; fi

    # 1. The same file: nothing changes. (Gratuitous ARPs of the start still due are counted
    # in the window, so the window starts after garp_master_delay's second burst, 5 s.)
    if wait_for 10 field_is "$nsA" VI_1 announcementsSent 10; then
        ok "$name: A sent the start's 10 gratuitous ARPs (garp_master_repeat 5, twice)"
    else fail "$name: A's start sent $(vrrp_field "$nsA" VI_1 announcementsSent) gratuitous ARPs, not 10"; fi
    local ta tb sent announced t0 sent_after announced_after
    ta=$(transitions "$nsA"); tb=$(transitions "$nsB")
    announced=$(vrrp_field "$nsA" VI_1 announcementsSent)
    sent=$(vrrp_field "$nsA" VI_1 advertsSent)
    reload_in "$nsA" "$name, same file"
    sleep 1
    if [ "$(transitions "$nsA")" = "$ta" ] && [ "$(transitions "$nsB")" = "$tb" ]; then
        ok "$name, same file: no transition logged on either side ($ta on A, $tb on B)"
    else fail "$name, same file: transitions logged (A $ta -> $(transitions "$nsA"), B $tb -> $(transitions "$nsB"))"; fi
    sent_after=$(vrrp_field "$nsA" VI_1 advertsSent)
    # 1 s at 0.1 s is about 10 adverts; a count below the one before would be a reset.
    if [ "$sent_after" -ge $((sent + 8)) ]; then ok "$name, same file: adverts go on, counter not reset ($sent -> $sent_after)"
    else fail "$name, same file: advertsSent $sent -> $sent_after"; fi
    announced_after=$(vrrp_field "$nsA" VI_1 announcementsSent)
    if [ "$announced_after" = "$announced" ]; then ok "$name, same file: no gratuitous ARP ($announced sent before and after)"
    else fail "$name, same file: announcementsSent $announced -> $announced_after"; fi
    if grep -q 'kept=VI_1 VI_2 restarted= .*VRRP reload done' "$work/$nsA.log"; then ok "$name, same file: logged as kept"
    else fail "$name, same file: not logged as kept: $(grep 'VRRP reload done' "$work/$nsA.log" | tail -1)"; fi
    if field_is "$nsA" VI_1 state MASTER && field_is "$nsB" VI_1 state BACKUP; then
        ok "$name, same file: A MASTER, B BACKUP"
    else fail "$name, same file: A $(vrrp_field "$nsA" VI_1 state), B $(vrrp_field "$nsB" VI_1 state)"; fi

    # 2. A VIP added to VI_1: on A's eth0, no transition, announced; then on B, still BACKUP.
    ta=$(transitions "$nsA"); tb=$(transitions "$nsB")
    reload_config 150 "        10.9.0.101/24" 52 > "$work/$nsA.conf"
    t0=$(now_ns)
    reload_in "$nsA" "$name, VIP added"
    if wait_for 10 has_addr "$nsA" 10.9.0.101; then
        ok "$name, VIP added: 10.9.0.101 on A's eth0 after $(ms_since "$t0") ms"
        results+=("reload adding a VIP: on the MASTER's interface $(ms_since "$t0") ms after lvsctl reload")
    else fail "$name, VIP added: 10.9.0.101 not on A's eth0"; fi
    sleep 0.3
    if [ "$(transitions "$nsA")" = "$ta" ] && field_is "$nsA" VI_1 state MASTER; then
        ok "$name, VIP added: A still MASTER, no transition logged"
    else fail "$name, VIP added: A $(vrrp_field "$nsA" VI_1 state), transitions $ta -> $(transitions "$nsA")"; fi
    if has_addr "$nsB" 10.9.0.101; then fail "$name, VIP added: B holds 10.9.0.101"; else ok "$name, VIP added: B holds no 10.9.0.101"; fi
    if [ "$(vrrp_field "$nsA" VI_1 announcementsSent)" -gt "$announced_after" ]; then
        ok "$name, VIP added: gratuitous ARPs sent ($announced_after -> $(vrrp_field "$nsA" VI_1 announcementsSent))"
    else fail "$name, VIP added: no gratuitous ARP"; fi
    reload_config 100 "        10.9.0.101/24" no > "$work/$nsB.conf"
    reload_in "$nsB" "$name, VIP added on B"
    sleep 1
    if [ "$(transitions "$nsB")" = "$tb" ] && field_is "$nsB" VI_1 state BACKUP && lacks_addr "$nsB" 10.9.0.101 \
        && lacks_addr "$nsB" "$vip"; then
        ok "$name, VIP added on B: B still BACKUP without VIPs, no transition logged"
    else fail "$name, VIP added on B: B $(vrrp_field "$nsB" VI_1 state), transitions $tb -> $(transitions "$nsB")"; fi
    if grep -q 'changes=virtual_ipaddress vrrp.instance=VI_1 .*settings changed in place' "$work/$nsB.log"; then
        ok "$name, VIP added on B: logged as changed in place"
    else fail "$name, VIP added on B: not logged as changed in place"; fi
    if [ "$(transitions "$nsA")" = "$ta" ] && field_is "$nsA" VI_1 state MASTER; then
        ok "$name, VIP added on B: A still MASTER, no transition logged"
    else fail "$name, VIP added on B: A $(vrrp_field "$nsA" VI_1 state), transitions $ta -> $(transitions "$nsA")"; fi

    # 3a. VI_2's virtual_router_id 52 -> 54: restarted (keepalived matches instances by VRID):
    # stopped with its deleted notification, then BACKUP and MASTER again with its VIP.
    tb=$(transitions "$nsB")
    reload_config 150 "        10.9.0.101/24" 54 > "$work/$nsA.conf"
    reload_in "$nsA" "$name, VI_2 vrid 54"
    if grep -q 'reason=virtual_router_id vrrp.instance=VI_2 .*instance restarted' "$work/$nsA.log"; then
        ok "$name, VI_2 vrid 54: logged as restarted for virtual_router_id"
    else fail "$name, VI_2 vrid 54: no restart logged"; fi
    if wait_for 10 field_is "$nsA" VI_2 virtualRouterID 54 && wait_for 10 field_is "$nsA" VI_2 state MASTER \
        && wait_for 10 has_addr "$nsA" 10.9.0.200; then
        ok "$name, VI_2 vrid 54: MASTER again on vrid 54 with 10.9.0.200"
    else fail "$name, VI_2 vrid 54: $(vrrp_field "$nsA" VI_2 state) on vrid $(vrrp_field "$nsA" VI_2 virtualRouterID)"; fi
    local expected_notify="INSTANCE VI_2 BACKUP 150,INSTANCE VI_2 MASTER 150,INSTANCE VI_2 FAULT 150,INSTANCE VI_2 BACKUP 150,INSTANCE VI_2 MASTER 150"
    if wait_for 10 notify_log_is reload-vi2 "$expected_notify"; then ok "$name, VI_2 vrid 54: notify got $expected_notify"
    else fail "$name, VI_2 vrid 54: notify got $(paste -sd, "$work/notify-reload-vi2.log" 2>&1)"; fi
    if field_is "$nsA" VI_1 state MASTER && [ "$(transitions "$nsB")" = "$tb" ]; then
        ok "$name, VI_2 vrid 54: VI_1 untouched on A, B still BACKUP"
    else fail "$name, VI_2 vrid 54: VI_1 on A $(vrrp_field "$nsA" VI_1 state), B transitions $tb -> $(transitions "$nsB")"; fi

    # 3b. VI_2 removed: it stops, its VIP leaves, keepalived's deleted notification runs.
    tb=$(transitions "$nsB")
    reload_config 150 "        10.9.0.101/24" no > "$work/$nsA.conf"
    t0=$(now_ns)
    reload_in "$nsA" "$name, VI_2 removed"
    if wait_for 10 lacks_addr "$nsA" 10.9.0.200; then
        ok "$name, VI_2 removed: 10.9.0.200 left A's eth0 after $(ms_since "$t0") ms"
    else fail "$name, VI_2 removed: 10.9.0.200 still on A"; fi
    if wait_for 10 field_is "$nsA" VI_2 state absent; then ok "$name, VI_2 removed: gone from lvsctl status"
    else fail "$name, VI_2 removed: lvsctl status still shows it ($(vrrp_field "$nsA" VI_2 state))"; fi
    expected_notify+=",INSTANCE VI_2 FAULT 150"
    if wait_for 10 notify_log_is reload-vi2 "$expected_notify"; then
        ok "$name, VI_2 removed: notify got 'INSTANCE VI_2 FAULT 150' (keepalived's deleted notification); all its calls:"
        sed 's/^/    /' "$work/notify-reload-vi2.log"
    else fail "$name, VI_2 removed: notify log: $(paste -sd, "$work/notify-reload-vi2.log" 2>&1)"; fi
    local vi1_state vi1_addrs
    vi1_state=$(vrrp_field "$nsA" VI_1 state)
    vi1_addrs=$(ip -n "$nsA" -4 -o addr show dev eth0 | awk '{ print $4 }' | paste -sd' ')
    if [ "$vi1_state" = MASTER ] && [ "$vi1_addrs" = "10.9.0.1/24 $vip/24 10.9.0.101/24" ]; then
        ok "$name, VI_2 removed: VI_1 untouched (MASTER, A's eth0: $vi1_addrs)"
    else fail "$name, VI_2 removed: VI_1 $vi1_state, A's eth0: $vi1_addrs"; fi
    if [ "$(transitions "$nsB")" = "$tb" ] && field_is "$nsB" VI_1 state BACKUP; then ok "$name, VI_2 removed: B still BACKUP"
    else fail "$name, VI_2 removed: B $(vrrp_field "$nsB" VI_1 state)"; fi

    # 3c. VI_3 added: it starts and takes its VIP; VI_1 untouched.
    ta=$(transitions "$nsA")
    reload_config 150 "        10.9.0.101/24" no yes > "$work/$nsA.conf"
    t0=$(now_ns)
    reload_in "$nsA" "$name, VI_3 added"
    if wait_for 10 field_is "$nsA" VI_3 state MASTER && wait_for 10 has_addr "$nsA" 10.9.0.203; then
        ok "$name, VI_3 added: MASTER with 10.9.0.203 after $(ms_since "$t0") ms"
    else fail "$name, VI_3 added: $(vrrp_field "$nsA" VI_3 state)"; fi
    if [ "$(transitions "$nsA")" = "$((ta + 2))" ] && field_is "$nsA" VI_1 state MASTER; then
        ok "$name, VI_3 added: A logged only VI_3's two transitions; VI_1 MASTER"
    else fail "$name, VI_3 added: transitions $ta -> $(transitions "$nsA"), VI_1 $(vrrp_field "$nsA" VI_1 state)"; fi

    # 4. VI_1's priority lowered below B's: B preempts.
    reload_config 50 "        10.9.0.101/24" no yes > "$work/$nsA.conf"
    t0=$(now_ns)
    reload_in "$nsA" "$name, priority 150 -> 50"
    if wait_for 10 has_vip "$nsB"; then
        ok "$name, priority 50: B preempted, VIP on B after $(ms_since "$t0") ms"
        results+=("reload lowering the MASTER's priority below the BACKUP's: VIP on the other side $(ms_since "$t0") ms after lvsctl reload")
    else fail "$name, priority 50: B has no VIP"; fi
    if wait_for 10 lacks_addr "$nsA" "$vip" && wait_for 10 lacks_addr "$nsA" 10.9.0.101; then
        ok "$name, priority 50: A gave up both VIPs"
    else fail "$name, priority 50: A kept a VIP"; fi
    if wait_for 10 field_is "$nsA" VI_1 state BACKUP && field_is "$nsA" VI_1 effectivePriority 50 \
        && wait_for 10 field_is "$nsB" VI_1 state MASTER; then
        ok "$name, priority 50: A BACKUP at priority 50, B MASTER"
    else fail "$name, priority 50: A $(vrrp_field "$nsA" VI_1 state)/$(vrrp_field "$nsA" VI_1 effectivePriority), B $(vrrp_field "$nsB" VI_1 state)"; fi
    if grep 'VRRP MASTER -> BACKUP' "$work/$nsA.log" | tail -1 | grep -q 'higher priority (100) master 10.9.0.2'; then
        ok "$name, priority 50: A logged yielding to B's priority 100"
    else fail "$name, priority 50: A's transition: $(grep 'VRRP MASTER -> ' "$work/$nsA.log" | tail -1)"; fi

    # 5. On B (MASTER at 100), a failing vrrp_script with weight -80 added to VI_1: the script
    # starts, the instance takes the track_script in place, its priority drops to 20, A (50)
    # preempts.
    reload_config 100 "        10.9.0.101/24" no > "$work/$nsB.conf"
    sed -i "s|^vrrp_instance VI_1 {|vrrp_script chk {\n    script \"/bin/false\"\n    interval 1\n    weight -80\n}\nvrrp_instance VI_1 {\n    track_script {\n        chk\n    }|" "$work/$nsB.conf"
    t0=$(now_ns)
    reload_in "$nsB" "$name, failing track_script added on B"
    if wait_for 10 has_vip "$nsA" && wait_for 10 field_is "$nsA" VI_1 state MASTER \
        && wait_for 10 field_is "$nsB" VI_1 state BACKUP && field_is "$nsB" VI_1 effectivePriority 20; then
        ok "$name, track_script added on B: B at priority 20, A MASTER again after $(ms_since "$t0") ms"
    else fail "$name, track_script added on B: A $(vrrp_field "$nsA" VI_1 state), B $(vrrp_field "$nsB" VI_1 state)/$(vrrp_field "$nsB" VI_1 effectivePriority)"; fi
    if grep -q 'changes=track_script vrrp.instance=VI_1 .*settings changed in place' "$work/$nsB.log" \
        && grep -q 'scripts_restarted=chk .*VRRP reload done' "$work/$nsB.log"; then
        ok "$name, track_script added on B: logged as changed in place, chk started"
    else fail "$name, track_script added on B: $(grep 'VRRP reload' "$work/$nsB.log" | tail -2)"; fi

    stop_with TERM lvsd "$nsA" "$apid"
    reap "$apid"
    stop_with TERM lvsd "$nsB" "$bpid"
    reap "$bpid"
}
want reload && reload_scenario

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
if want failover && [ -x "$keepalived" ]; then
    for version in 2 3; do
        compare_notify "v$version-lvsd-master-vs-keepalived" "v$version-keepalived-master-vs-lvsd"
        compare_notify "v$version-lvsd-backup-vs-keepalived" "v$version-keepalived-backup-vs-lvsd"
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
