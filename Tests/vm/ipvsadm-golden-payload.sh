#!/bin/sh
# Runs in the guest (busybox sh) under scripts/vm/run, started by ipvsadm-golden.sh.
# For each /cases/NAME.rules: flush, apply each line with `ipvsadm LINE`, then write
# the real ipvsadm's outputs and an ipvs-snapshot JSON dump of the same state to
# /out/NAME/. The outputs and the dump are retaken until two dumps around them
# agree, so counters and rates in the text match the dump.
set -u
variants='
save-n|-S -n
save|-S
list-n|-L -n
list|-L
list-n-stats|-L -n --stats
list-n-stats-exact|-L -n --stats --exact
list-n-rate|-L -n --rate
list-n-rate-exact|-L -n --rate --exact
list-n-thresholds|-L -n --thresholds
list-n-persistent-conn|-L -n --persistent-conn
list-n-tun-info|-L -n --tun-info
list-n-nosort|-L -n --nosort
list-stats|-L --stats
'

# Names the non-numeric listings resolve (gethostbyaddr reads /etc/hosts first).
cat >> /etc/hosts <<'HOSTS'
10.0.0.1 www.example.test www
192.168.1.10 real-server-with-a-rather-long-host-name.example.test
2001:db8::1 v6.example.test
HOSTS

capture() {
    dir=$1
    mkdir -p "$dir"
    tries=0
    while :; do
        ipvs-snapshot > "$dir/snapshot.json" || { echo "snapshot failed"; return 1; }
        echo "$variants" | while IFS='|' read -r name args; do
            [ -n "$name" ] || continue
            # shellcheck disable=SC2086
            ipvsadm $args > "$dir/$name.txt" 2>&1
            echo $? > "$dir/$name.rc"
        done
        ipvs-snapshot > /tmp/after.json
        cmp -s /tmp/after.json "$dir/snapshot.json" && break
        tries=$((tries + 1))
        [ $tries -lt 10 ] || { echo "state kept changing"; return 1; }
    done
}

status=0
for rules in /cases/*.rules; do
    name=$(basename "$rules" .rules)
    ipvsadm -C
    : > /tmp/errors
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        # shellcheck disable=SC2086
        if ! out=$(ipvsadm $line 2>&1); then
            echo "$line => $out" >> /tmp/errors
        fi
    done < "$rules"
    capture "/out/$name" || status=1
    cp /tmp/errors "/out/$name/apply-errors.txt"
    echo "captured $name ($(wc -l < /tmp/errors) rejected lines)"
done
exit $status
