#!/bin/sh
# How ScriptCommandTests' argument vectors were captured from keepalived 2.2.7 (Debian's
# package): keepalived runs a vrrp_script whose program writes each argument it receives
# through `od -c`, in a private network namespace (VRRP on a veth eth0), as root.
#
#   probe-script-argv.sh 'script "/PROBE a\\tb"'    # PROBE is replaced by the dump program
#
# Prints "argc N", then one `od -c` line per argument, "--" after each; exit 1 if the
# script never ran.
set -eu
[ "$(id -u)" = 0 ] || { echo "probe-script-argv.sh: run as root" >&2; exit 2; }
dir=$(mktemp -d)
ns=probe-argv-$$
cleanup() {
    [ -n "${kpid:-}" ] && kill "$kpid" 2>/dev/null && wait "$kpid" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
cat > "$dir/dump" <<DUMP
#!/bin/sh
: > $dir/args.new
echo "argc \$#" >> $dir/args.new
for a in "\$@"; do printf '%s' "\$a" | od -An -c | tr -s ' ' >> $dir/args.new; echo -- >> $dir/args.new; done
mv $dir/args.new $dir/args
DUMP
chmod 755 "$dir" "$dir/dump"
line=$(printf '%s' "$1" | sed "s|/PROBE|$dir/dump|")
cat > "$dir/keepalived.conf" <<CONF
global_defs {
    script_user root
}
vrrp_script probe {
    $line
    interval 1
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    virtual_ipaddress {
        10.0.0.1
    }
    track_script {
        probe
    }
}
CONF
ip netns add "$ns"
ip -n "$ns" link add eth0 type veth peer name peer0
ip -n "$ns" link set eth0 up
ip netns exec "$ns" keepalived -n -l -P -f "$dir/keepalived.conf" -p "$dir/k.pid" -r "$dir/v.pid" \
    > "$dir/log" 2>&1 &
kpid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ -s "$dir/args" ] && break
    sleep 0.5
done
[ -s "$dir/args" ] || { cat "$dir/log" >&2; exit 1; }
cat "$dir/args"
