# Sourced by failover.sh (group `track-file`): uses its namespaces, helpers and variables.
# shellcheck shell=bash
# track_file and vrrp_track_process, v3 advert 0.1 s: lvsd MASTER in A (priority 150) tracks
# a track_file (weight 10: the file's number x 10 is added) and a vrrp_track_process (a copy of
# sleep started through a symlink with a unique name, weight -60: down takes 60 off); the
# BACKUP in B (100) is lvsd, then keepalived. In turn:
#   - the file written with -6 (editor-style: written to a temporary name, renamed into place)
#     takes A to 90: B preempts; `lvsctl status` shows effective 90 and the tracked values;
#   - the file written with 0 in place (echo >): A takes the VIP back;
#   - a reload (lvsctl reload) with the file's weight 1 instead of 10 (with -6 in it): A at 144
#     takes the VIP back; written with 0 again, the weight back to 10 by another reload;
#   - the file deleted counts as 0: nothing moves;
#   - the tracked process killed takes A to 90: B preempts; started again: A takes it back.
# lvsd runs in a network namespace, where the kernel's process events connector is not
# available: it says so in its log and scans /proc every second, which is checked too.
# Last, the oracle: keepalived as A with the same track_file (its track_process needs the
# connector, which keepalived cannot open in a network namespace, so only the file) against
# lvsd as B: the VIP moves the same way for -6 and back for 0.
# track_files_config PRIORITY KIND [WEIGHT [PROCESS]]: a side tracking the file with WEIGHT
# (default 10) and, unless PROCESS is "no", the process.
track_files_config() {
    local priority=$1 kind=$2 weight=${3:-10} process=${4:-yes}
    config 3 "$priority" "$kind" > "$work/track.conf"
    if [ "$process" = no ]; then
        sed "s|^vrrp_instance VI_1 {|track_file tf {\n    file $work/track-value\n    weight $weight\n}\nvrrp_instance VI_1 {\n    track_file {\n        tf\n    }|" \
            "$work/track.conf"
        return
    fi
    sed "s|^vrrp_instance VI_1 {|track_file tf {\n    file $work/track-value\n    weight $weight\n}\nvrrp_track_process tp {\n    process $procname\n    weight -60\n}\nvrrp_instance VI_1 {\n    track_file {\n        tf\n    }\n    track_process {\n        tp\n    }|" \
        "$work/track.conf"
}

# track_reload NS WHAT: lvsctl reload in NS.
track_reload() {
    if ip netns exec "$1" "$lvsctl" reload --control-socket "$work/$1.sock" >/dev/null; then ok "$2: reloaded"
    else fail "$2: lvsctl reload failed"; fi
}

# effective_of NS: the instance's effective priority as lvsctl status --json gives it.
effective_of() {
    ip netns exec "$1" "$lvsctl" status --json --control-socket "$work/$1.sock" 2>/dev/null \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["lvsd"]["vrrp"][0]["effectivePriority"])' 2>/dev/null \
        || echo unreachable
}
effective_is() { [ "$(effective_of "$1")" = "$2" ]; }

track_file_scenario() {
    local bkind=$1
    local name="v3 track_file/track_process: lvsd(150, A) vs $bkind(100, B)"
    echo "=== $name"
    procname=lvsdtp$$
    ln -sf /bin/sleep "$work/$procname"
    "$work/$procname" 3600 & local sleeper=$!
    pids+=("$sleeper")
    echo 0 > "$work/track-value"
    start "$bkind" "$nsB" 3 100; local bpid=$started_pid
    track_files_config 150 lvsd > "$work/$nsA.conf"
    local logged=0
    if [ -f "$work/$nsA.log" ]; then logged=$(wc -l < "$work/$nsA.log"); fi
    launch lvsd "$nsA"; local apid=$started_pid
    expect_master "$nsA" "$nsB" lvsd "$bkind" "$name, start"
    if wait_for 10 effective_is "$nsA" 150; then ok "$name: effective priority 150"
    else fail "$name: effective priority $(effective_of "$nsA"), not 150"; fi
    if tail -n +"$((logged + 1))" "$work/$nsA.log" | grep -q "process events connector cannot be used; scanning /proc"; then
        ok "$name: lvsd says it scans /proc (no process events connector in a network namespace)"
    else
        fail "$name: no log line about scanning /proc"
    fi

    local t0; t0=$(now_ns)
    echo -6 > "$work/track-value.tmp" && mv "$work/track-value.tmp" "$work/track-value"
    if wait_for 20 has_vip "$nsB"; then
        ok "$name: file renamed in with -6: $nsB took the VIP after $(( ($(now_ns) - t0) / 1000000 )) ms"
    else
        fail "$name: file renamed in with -6 but $nsB has no VIP"
    fi
    if wait_for 10 has_no_vip "$nsA"; then ok "$name: $nsA gave the VIP up"; else fail "$name: $nsA kept the VIP"; fi
    if wait_for 10 effective_is "$nsA" 90; then ok "$name: effective priority 90"
    else fail "$name: effective priority $(effective_of "$nsA"), not 90"; fi
    if ip netns exec "$nsA" "$lvsctl" status --control-socket "$work/$nsA.sock" > "$work/status.txt" 2>&1 \
        && grep -q "^  tracked: track_file tf -60, track_process tp +0$" "$work/status.txt"; then
        ok "$name: lvsctl status: $(grep '^  tracked:' "$work/status.txt")"
    else
        fail "$name: lvsctl status has no 'tracked: track_file tf -60, track_process tp +0': $(cat "$work/status.txt")"
    fi

    track_files_config 150 lvsd 1 > "$work/$nsA.conf"
    track_reload "$nsA" "$name, weight 1"
    expect_master "$nsA" "$nsB" lvsd "$bkind" "$name, reload: the file's weight 1 (-6: 144)"
    if wait_for 10 effective_is "$nsA" 144; then ok "$name: effective priority 144"
    else fail "$name: effective priority $(effective_of "$nsA"), not 144"; fi
    echo 0 > "$work/track-value"
    track_files_config 150 lvsd > "$work/$nsA.conf"
    track_reload "$nsA" "$name, weight 10 again"
    if wait_for 10 effective_is "$nsA" 150; then ok "$name: file written with 0: effective priority 150"
    else fail "$name: file written with 0: effective priority $(effective_of "$nsA"), not 150"; fi
    expect_master "$nsA" "$nsB" lvsd "$bkind" "$name, file written with 0"
    rm -f "$work/track-value"
    sleep 1
    if has_vip "$nsA" && effective_is "$nsA" 150; then ok "$name: file deleted (0): $nsA stays MASTER at 150"
    else fail "$name: file deleted: effective $(effective_of "$nsA")"; fi

    t0=$(now_ns)
    kill -KILL "$sleeper"; wait "$sleeper" 2>/dev/null || true
    if wait_for 20 has_vip "$nsB"; then
        ok "$name: tracked process killed: $nsB took the VIP after $(( ($(now_ns) - t0) / 1000000 )) ms"
    else
        fail "$name: tracked process killed but $nsB has no VIP"
    fi
    if wait_for 10 effective_is "$nsA" 90; then ok "$name: effective priority 90"
    else fail "$name: effective priority $(effective_of "$nsA"), not 90"; fi
    "$work/$procname" 3600 & sleeper=$!
    pids+=("$sleeper")
    expect_master "$nsA" "$nsB" lvsd "$bkind" "$name, tracked process started again"

    stop_with TERM lvsd "$nsA" "$apid"
    reap "$apid"
    stop_with TERM "$bkind" "$nsB" "$bpid"
    reap "$bpid"
    kill -KILL "$sleeper"; wait "$sleeper" 2>/dev/null || true
    rm -f "$work/$procname" "$work/track-value" "$work/track-value.tmp"
}

# The oracle: keepalived(150, A) tracking the same file (weight 10) against lvsd(100, B).
track_file_keepalived_scenario() {
    local name="v3 track_file: keepalived(150, A) vs lvsd(100, B)"
    echo "=== $name"
    procname=unused
    echo 0 > "$work/track-value"
    start lvsd "$nsB" 3 100; local bpid=$started_pid
    track_files_config 150 keepalived 10 no > "$work/$nsA.conf"
    launch keepalived "$nsA"; local apid=$started_pid
    expect_master "$nsA" "$nsB" keepalived lvsd "$name, start"
    local t0; t0=$(now_ns)
    echo -6 > "$work/track-value.tmp" && mv "$work/track-value.tmp" "$work/track-value"
    if wait_for 20 has_vip "$nsB"; then
        ok "$name: file renamed in with -6: $nsB took the VIP after $(( ($(now_ns) - t0) / 1000000 )) ms"
    else
        fail "$name: file renamed in with -6 but $nsB has no VIP"
    fi
    if wait_for 10 has_no_vip "$nsA"; then ok "$name: $nsA gave the VIP up"; else fail "$name: $nsA kept the VIP"; fi
    echo 0 > "$work/track-value"
    expect_master "$nsA" "$nsB" keepalived lvsd "$name, file written with 0"
    stop_with TERM keepalived "$nsA" "$apid"
    reap "$apid"
    stop_with TERM lvsd "$nsB" "$bpid"
    reap "$bpid"
    rm -f "$work/track-value"
}
