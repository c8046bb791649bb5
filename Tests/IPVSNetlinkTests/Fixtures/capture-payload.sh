#!/bin/sh
# Runs in the VM (see capture.sh). Each step: a name and an ipvsadm command run
# under strace, which dumps every byte written to and read from the netlink
# socket (fd 3).
/usr/sbin/ip link add sync0 type veth peer name sync1
/usr/sbin/ip link set sync0 up; /usr/sbin/ip link set sync1 up
step() {
    name=$1; shift
    echo "@@STEP $name $*"
    strace -xx -e trace=sendmsg,recvmsg -e write=3 -e read=3 "$@" 2>&1
    echo "@@STATUS $?"
}
step add-service-tcp ipvsadm -A -t 10.0.0.1:80 -s rr
step add-service-udp6-persistent ipvsadm -A -u [2001:db8::1]:53 -s wlc -p 300 -M 64
step add-service-fwmark-sh ipvsadm -A -f 5 -s sh -b sh-fallback,sh-port -p 60 -M 255.255.255.0
step add-service-fwmark6 ipvsadm -A -f 6 -6 -s lc
step add-service-sctp-mh ipvsadm -A --sctp-service 10.0.0.2:3868 -s mh -b mh-fallback,mh-port
step add-service-udp-ops ipvsadm -A -u 10.0.0.4:53 -s rr -o
step add-service-sip ipvsadm -A -u 10.0.0.3:5060 -s rr -p 30 --pe sip
step edit-service ipvsadm -E -t 10.0.0.1:80 -s wlc
step add-dest-masq ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 3 -x 100 -y 50
step add-dest-gue ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2 -i --tun-type gue --tun-port 6080 --tun-csum
step add-dest-gre ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.4 -i --tun-type gre --tun-nocsum
step add-dest-route ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3 -g -w 0
step add-dest6 ipvsadm -a -u [2001:db8::1]:53 -r [2001:db8:1::1]:53 -m -w 2
step edit-dest ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 5
step list ipvsadm -Ln
step list-service ipvsadm -Ln -t 10.0.0.1:80
step list-service-fwmark6 ipvsadm -Ln -f 6 -6
# Some traffic for the counters: a client namespace sends connection attempts
# to 10.0.0.1:80 (the real servers do not exist; the service still counts).
/usr/sbin/ip netns add c
/usr/sbin/ip link add v0 type veth peer name v1 netns c
/usr/sbin/ip addr add 10.0.0.1/24 dev v0; /usr/sbin/ip link set v0 up
/usr/sbin/ip -n c addr add 10.0.0.100/24 dev v1; /usr/sbin/ip -n c link set v1 up
for i in 1 2 3; do /usr/sbin/ip netns exec c busybox nc -w 1 10.0.0.1 80 </dev/null >/dev/null 2>&1; done
sleep 3
step list-stats-exact ipvsadm -Ln --stats --exact
step delete-dest ipvsadm -d -t 10.0.0.1:80 -r 10.0.1.3
step delete-dest-missing ipvsadm -d -t 10.0.0.1:80 -r 10.0.1.3
step delete-service-missing ipvsadm -D -t 10.0.0.9:80
step add-service-exists ipvsadm -A -t 10.0.0.1:80 -s rr
step delete-service ipvsadm -D -u [2001:db8::1]:53
step set-timeouts ipvsadm --set 100 20 30
step list-timeouts ipvsadm -L --timeout
step zero-service ipvsadm -Z -t 10.0.0.1:80
step zero-all ipvsadm -Z
step start-master ipvsadm --start-daemon master --mcast-interface sync0 --syncid 3
step start-backup ipvsadm --start-daemon backup --mcast-interface sync1 --syncid 4 --sync-maxlen 1400 --mcast-group 239.1.2.3 --mcast-port 8850 --mcast-ttl 2
step list-daemon ipvsadm -L --daemon
step stop-master ipvsadm --stop-daemon master
step flush ipvsadm -C
exit 0
