# The directors' shared keepalived.conf (sourced by payload.sh): one file for both, its
# director-specific lines marked @d1 / @d2 and chosen with --config-id (lvsd -i, keepalived -i).
#
# write_conf SCHED "SERVERS" [OPTIONS]: SERVERS lists the real servers as N:WEIGHT (rs N is
# 10.50.0.2N); OPTIONS is a list of words: persistence (persistence_timeout 60 on port 80),
# nopreempt (both start BACKUP, nopreempt).
write_conf() {
    sched=$1 servers=$2 options=${3:-}
    persistence="" nopreempt="" d1state=MASTER
    case " $options " in *" persistence "*) persistence="persistence_timeout 60" ;; esac
    case " $options " in *" nopreempt "*) nopreempt="nopreempt" d1state=BACKUP ;; esac
    mkdir -p /etc/keepalived
    {
        cat <<EOF
# Two directors, one file: lvsd -i d1 / -i d2 (keepalived -i d1 / -i d2) pick their lines.
global_defs {
@d1 router_id director1
@d2 router_id director2
    lvs_sync_daemon eth0 VI_1
}

vrrp_instance VI_1 {
@d1 state $d1state
@d2 state BACKUP
    interface eth0
    virtual_router_id 51
@d1 priority 150
@d2 priority 100
    advert_int 1
    $nopreempt
    authentication {
        auth_type PASS
        auth_pass e2e-pass
    }
    virtual_ipaddress {
        $VIP/24 dev eth0
    }
}

virtual_server $VIP 80 {
    delay_loop 2
    lvs_sched $sched
    lvs_method DR
    protocol TCP
    $persistence
EOF
        for s in $servers; do
            cat <<EOF
    real_server 10.50.0.2${s%%:*} 80 {
        weight ${s#*:}
        HTTP_GET {
            url {
                path /
                status_code 200
            }
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
    }
EOF
        done
        cat <<EOF
}

virtual_server $VIP 7000 {
    delay_loop 2
    lvs_sched rr
    lvs_method DR
    protocol TCP
EOF
        for s in $servers; do
            cat <<EOF
    real_server 10.50.0.2${s%%:*} 7000 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
        }
    }
EOF
        done
        echo "}"
    } >$CONF
}

# write_nat_conf "SERVERS": LVS-NAT as the guides build it: the client-side VIP (VI_EXT on eth0)
# and the real servers' gateway address $GATEWAY (VI_INT on eth1) in one vrrp_sync_group, so
# that both are always on the same director; real servers 10.60.0.2N on the internal bridge.
# Sync group members start as BACKUP (keepalived starts them so whatever the file says).
write_nat_conf() {
    servers=$1
    {
        cat <<EOF
# LVS-NAT: two VRRP instances in one sync group; lvsd -i d1 / -i d2 pick their lines.
global_defs {
@d1 router_id director1
@d2 router_id director2
    lvs_sync_daemon eth0 VI_EXT
}

vrrp_sync_group VG_NAT {
    group {
        VI_EXT
        VI_INT
    }
}

vrrp_instance VI_EXT {
    state BACKUP
    interface eth0
    virtual_router_id 61
@d1 priority 150
@d2 priority 100
    advert_int 1
    virtual_ipaddress {
        $VIP/24 dev eth0
    }
}

vrrp_instance VI_INT {
    state BACKUP
    interface eth1
    virtual_router_id 62
@d1 priority 150
@d2 priority 100
    advert_int 1
    virtual_ipaddress {
        $GATEWAY/24 dev eth1
    }
}
EOF
        for port in 80 7000; do
            cat <<EOF

virtual_server $VIP $port {
    delay_loop 2
    lvs_sched rr
    lvs_method NAT
    protocol TCP
EOF
            for s in $servers; do
                cat <<EOF
    real_server 10.60.0.2$s $port {
        weight 1
        TCP_CHECK {
            connect_timeout 1
        }
    }
EOF
            done
            echo "}"
        done
    } >$CONF
}
