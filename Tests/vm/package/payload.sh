#!/bin/sh
# Runs in the guest under scripts/vm/run, started by Tests/vm/package/run.sh: installs the
# .deb from scripts/package with dpkg on a system that has never seen lvsd, then starts lvsd
# the way the package's systemd unit does (the guest has no systemd: ExecStartPre and
# ExecStart are read from the unit and run as written) with a sample configuration.
# The guest is an initramfs with busybox's dpkg and no package database: the libraries the
# package depends on are copied in by run.sh (as apt would install them), and dpkg is told
# not to look for their packages (-F depends).
set -u
. /usr/local/lib/lvsd-tests/checks.sh

mkdir -p /var/lib/dpkg/info && touch /var/lib/dpkg/status
deb=$(ls /pkg/*.deb)
check "the package installs" dpkg -i -F depends "$deb"
for f in /usr/sbin/lvsd /usr/sbin/lvsctl /lib/systemd/system/lvsd.service /usr/share/man/man8/lvsd.8.gz \
    /usr/share/man/man8/lvsctl.8.gz /usr/share/bash-completion/completions/lvsctl \
    /usr/share/zsh/vendor-completions/_lvsd /usr/share/doc/lvsd/examples/nat-web-farm.conf; do
    check "installs $f" test -s "$f"
done
check "the man page is lvsd's" sh -c 'zcat /usr/share/man/man8/lvsd.8.gz | grep -q "^\.Nm lvsd"'
check "the binaries start (no library missing)" sh -c '/usr/sbin/lvsd --help >/dev/null && /usr/sbin/lvsctl --help >/dev/null'

mkdir -p /etc/keepalived
cp /usr/share/doc/lvsd/examples/nat-web-farm.conf /etc/keepalived/keepalived.conf
pre=$(sed -n 's/^ExecStartPre=//p' /lib/systemd/system/lvsd.service)
start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/lvsd.service)
check "ExecStartPre passes: $pre" sh -c "[ -n '$pre' ] && $pre"
mkdir -p /run/lvsd   # RuntimeDirectory=lvsd
$start >/tmp/lvsd.log 2>&1 &
i=0; while [ $i -lt 100 ] && ! [ -S /run/lvsd/lvsd.sock ]; do usleep 100000; i=$((i + 1)); done
check "lvsctl status shows the running lvsd" sh -c 'lvsctl status | grep -q "^lvsd: running, pid $(cat /run/lvsd/lvsd.pid)"'
check "the sample's virtual server is in the kernel" sh -c 'i=0; while [ $i -lt 50 ]; do ipvsadm -Sn | grep -qx -- "-A -t 192.0.2.10:80 -s wlc" && exit 0; usleep 100000; i=$((i + 1)); done; exit 1'
pid=$(cat /run/lvsd/lvsd.pid 2>/dev/null)
kill -TERM "$pid"
check "lvsd stops on SIGTERM and removes its pid file" sh -c "[ -n '$pid' ] && i=0 && while [ \$i -lt 100 ] && kill -0 '$pid' 2>/dev/null; do usleep 100000; i=\$((i + 1)); done; ! kill -0 '$pid' 2>/dev/null && [ ! -e /run/lvsd/lvsd.pid ]"
check "the package removes cleanly" dpkg -r lvsd
check "the binaries are gone" sh -c '[ ! -e /usr/sbin/lvsd ] && [ ! -e /usr/sbin/lvsctl ]'
echo "package: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ] || cat /tmp/lvsd.log
exit "$failed"
