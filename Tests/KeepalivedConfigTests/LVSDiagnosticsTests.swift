import Testing
import KeepalivedConfig

/// Every diagnostic of the LVS side, with its position and exact text.
struct LVSDiagnosticsTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let text: String
        let expected: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "aliases", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo rr
                lb_kind DR
                real_server 10.0.1.1 80 {
                    HTTP_GET {
                        url {
                            path /
                        }
                        nb_get_retry 2
                    }
                }
            }
            """, expected: [
                "3:5: warning: 'lb_algo' is deprecated; use 'lvs_sched'",
                "4:5: warning: 'lb_kind' is deprecated; use 'lvs_method'",
                "10:13: warning: 'nb_get_retry' is deprecated; use 'retry'",
            ]),
        Case(name: "unknown keyword with a suggestion", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                delay_lop 10
                real_server 10.0.1.1 80 {
                    wieght 3
                }
            }
            """, expected: [
                "5:5: error: unknown keyword 'delay_lop' in virtual_server; did you mean 'delay_loop'?",
                "7:9: error: unknown keyword 'wieght' in real_server; did you mean 'weight'?",
            ]),
        Case(name: "obsolete and unimplemented", text: """
            global_defs {
                lvs_id LVS1
                enable_snmp_checker
            }
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                nat_mask 255.255.255.0
                real_server 10.0.1.1 80 {
                    HTTP_GET {
                        url {
                            path /
                        }
                    }
                }
            }
            """, expected: [
                "2:5: warning: 'lvs_id' has no effect: replaced by router_id in keepalived 1.1.8; 2.2.7 no longer accepts it",
                "3:5: warning: 'enable_snmp_checker' is not implemented by lvsd and is ignored: lvsd has no SNMP agent",
                "9:5: warning: 'nat_mask' has no effect: removed in keepalived 1.2.20 (it only applied to Linux 2.2 kernels)",
            ]),
        Case(name: "BFD_CHECK is refused", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                real_server 10.0.1.1 80 {
                    BFD_CHECK {
                        name bfd1
                    }
                }
            }
            """, expected: [
                "6:9: error: BFD_CHECK needs keepalived's BFD process, which lvsd does not have: use a PING_CHECK, UDP_CHECK or TCP_CHECK with a short delay_loop instead",
            ]),
        Case(name: "invalid values", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched wrrr
                lvs_method nat
                persistence_timeout 0
                quorum 100,text
                real_server 10.0.1.300 80 {
                }
                real_server 10.0.1.1 80 {
                    weight -1
                }
            }
            """, expected: [
                "1:1: warning: virtual_server 10.0.0.1:80 has no lvs_sched; keepalived uses 'wlc'",
                "1:1: warning: virtual_server 10.0.0.1:80 has no lvs_method; keepalived uses NAT",
                "3:15: error: unknown scheduler 'wrrr' (keepalived accepts rr, wrr, lc, wlc, lblc, sh, mh, dh, fo, ovf, lblcr, sed, nq, twos); did you mean 'wrr'?",
                "4:16: error: 'nat' is not a forwarding method (expected NAT, DR or TUN); did you mean 'NAT'?",
                "5:25: error: persistence_timeout 0 is out of range 1...2678400",
                "6:12: error: '100,text' is not a number (quorum takes a whole number in 1...4294967295)",
                "7:17: error: '10.0.1.300' is not an IPv4 or IPv6 address",
                "10:16: error: weight -1 is out of range 0...2147483647",
            ]),
        Case(name: "tunnel options", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method TUN type gue
                real_server 10.0.1.1 80 {
                    lvs_method TUN type ipip csum
                }
                real_server 10.0.1.2 80 {
                    lvs_method TUN type gre remcsum
                }
                real_server 10.0.1.3 80 {
                    lvs_method DR port 80
                }
            }
            """, expected: [
                "1:1: warning: virtual_server 10.0.0.1:80 has no lvs_method; keepalived uses NAT",
                "4:25: error: a gue tunnel needs 'port N'",
                "6:34: error: ipip tunnels take no checksum option",
                "9:33: error: gre tunnels take no remcsum option",
                "12:23: error: 'port': only TUN takes tunnel options",
            ]),
        Case(name: "scheduler flags need their scheduler first", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                sh-port
                lvs_sched sh
                sh-fallback
                mh-port
                lvs_method NAT
                real_server 10.0.1.1 80 {
                }
            }
            """, expected: [
                "3:5: error: 'sh-port' applies only to the sh scheduler: write 'lvs_sched sh' before it",
                "6:5: error: 'mh-port' applies only to the mh scheduler: write 'lvs_sched mh' before it",
            ]),
        Case(name: "keepalived's adjustments", text: """
            virtual_server 10.0.0.1 80 {
                quorum 5
                hysteresis 7
                ops
                real_server 10.0.1.1 80 {
                    weight 2
                }
                real_server 10.0.1.1 80 {
                }
            }
            """, expected: [
                "1:1: warning: virtual_server 10.0.0.1:80 has no protocol: keepalived uses UDP (write 'protocol UDP' or 'protocol TCP')",
                "1:1: warning: virtual_server 10.0.0.1:80 has no lvs_sched; keepalived uses 'wlc'",
                "1:1: warning: virtual_server 10.0.0.1:80 has no lvs_method; keepalived uses NAT",
                "1:1: warning: virtual_server 10.0.0.1:80: quorum 5 exceeds the total weight of the real servers 2; it becomes 2",
                "1:1: warning: virtual_server 10.0.0.1:80: hysteresis 7 is not below quorum 2; it becomes 1",
                "8:5: warning: real server 10.0.1.1:80 is given twice in virtual_server 10.0.0.1:80; the second is ignored",
                "  note 5:5: first given here",
            ]),
        Case(name: "ports on DR and fwmark services", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method DR
                real_server 10.0.1.1 8080 {
                }
            }
            virtual_server fwmark 7 {
                protocol TCP
                lvs_sched rr
                lvs_method DR
                sorry_server 10.0.2.1 80
                real_server 10.0.1.1 8080 {
                }
            }
            """, expected: [
                "5:5: warning: virtual_server 10.0.0.1:80: real server 10.0.1.1 port 8080 differs from the virtual server's with DR; it becomes 80",
                "9:14: warning: virtual_server fwmark 7: a fwmark service has no protocol; 'protocol' is ignored",
                "12:5: warning: virtual_server fwmark 7: the sorry server has a port, which fwmark services do not use; it becomes 0",
                "13:5: warning: virtual_server fwmark 7: real server 10.0.1.1 has a port, which fwmark services do not use with DR; it becomes 0",
            ]),
        Case(name: "port 0 needs persistence; ops needs UDP", text: """
            virtual_server 10.0.0.1 0 {
                protocol TCP
                lvs_sched rr
                lvs_method DR
                ops
                real_server 10.0.1.1 {
                }
            }
            """, expected: [
                "1:1: warning: virtual_server 10.0.0.1:0: ops (one-packet scheduling) needs UDP and is cleared",
                "1:1: warning: virtual_server 10.0.0.1:0: port 0 is only valid for persistent services; persistence_timeout becomes 360",
            ]),
        Case(name: "groups", text: """
            virtual_server_group G1 {
                10.0.0.1-3 80
                10.0.0.9-4 80
                fwmark 5 inet7
            }
            virtual_server_group G1 {
                10.0.0.20 80
            }
            virtual_server_group UNUSED {
                10.0.0.30 80
            }
            virtual_server_group EMPTY {
            }
            virtual_server group G1 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                real_server 10.0.1.1 80 {
                }
            }
            virtual_server group NOPE {
                real_server 10.0.1.1 80 {
                }
            }
            """, expected: [
                "3:5: error: '10.0.0.9-4': the range end is not after its start",
                "4:14: error: unknown address family 'inet7' (expected inet or inet6)",
                "6:1: warning: virtual_server_group 'G1' is defined twice; keepalived uses the first definition and so does lvsd: this one has no effect",
                "  note 1:1: first defined here",
                "9:1: warning: virtual_server_group 'UNUSED' is not used by any virtual_server",
                "12:1: warning: virtual_server_group 'EMPTY' has no entries and is ignored",
                "21:1: error: virtual_server_group 'NOPE' is not defined",
            ]),
        Case(name: "a virtual server written twice is merged", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                real_server 10.0.1.1 80 {
                }
            }
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched wrr
                lvs_method NAT
                real_server 10.0.1.2 80 {
                }
            }
            """, expected: [
                "8:1: warning: virtual_server 10.0.0.1:80 is defined twice; its real servers are added to the first definition, whose settings apply",
                "  note 1:1: first defined here",
            ]),
        Case(name: "checker blocks", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                real_server 10.0.1.1 80 {
                    HTTP_GET {
                        url {
                            digest 0123
                            status_code 200-99 404
                        }
                    }
                    MISC_CHECK {
                        misc_timeout 5
                    }
                    DNS_CHECK {
                        type XYZ
                        name a..b
                    }
                    UDP_CHECK {
                        payload 0a0
                        min_reply_length 10
                        max_reply_length 5
                    }
                    TCP_CHECK {
                        connect_ip fe80::1
                    }
                    FILE_CHECK {
                        weight 10 backwards
                    }
                }
            }
            """, expected: [
                "6:9: error: HTTP_GET has no url",
                "7:13: error: url has no path",
                "8:24: error: digest '0123' is not 32 hexadecimal digits",
                "9:29: error: '200-99' is not an HTTP status code or range in 100...599",
                "12:9: error: MISC_CHECK has no misc_path",
                "16:18: error: unknown DNS_CHECK type 'XYZ' (expected A, NS, CNAME, SOA, MX, TXT, AAAA, RRSIG, DNSKEY)",
                "17:18: error: DNS_CHECK name 'a..b' has an empty label",
                "19:9: warning: UDP_CHECK min_reply_length 10 > max_reply_length 5: the check always fails",
                "20:21: error: '0a0' is not an even number of hexadecimal digits",
                "24:9: error: TCP_CHECK checks the link-local address fe80::1: it needs a bind_if",
                "27:9: error: FILE_CHECK has no track_file",
                "28:23: error: unknown weight option 'backwards' (expected reverse or noreverse)",
            ]),
        Case(name: "global_defs values", text: """
            global_defs {
                smtp_connect_timeout 0
                vrrp_garp_master_repeat 0
                vrrp_mcast_group4 10.0.0.1
                vrrp_mcast_group6 224.0.0.18
                lvs_timeouts tcp 900 fin 30
                lvs_flush_on_stop ALL
                lvs_sync_daemon eth0 VI_1 12
                lvs_sync_daemon eth1 VI_2
                dynamic_interfaces sometimes
            }
            """, expected: [
                "2:26: warning: smtp_connect_timeout 0 is read as 1 (keepalived's minimum)",
                "3:29: warning: vrrp_garp_master_repeat 0 is read as 1",
                "4:23: error: vrrp_mcast_group4 10.0.0.1 is not a multicast address",
                "5:23: error: vrrp_mcast_group6 224.0.0.18 is not an IPv6 address",
                "6:26: error: unknown lvs_timeouts option 'fin' (expected tcp, tcpfin or udp)",
                "6:30: error: unknown lvs_timeouts option '30' (expected tcp, tcpfin or udp)",
                "7:23: error: unknown lvs_flush_on_stop type 'ALL' (expected nothing or 'VS')",
                "8:5: error: lvs_sync_daemon names VRRP instance 'VI_1', which is not defined",
                "8:31: warning: write 'id 12' for the lvs_sync_daemon sync id",
                "9:5: error: lvs_sync_daemon is given twice",
                "  note 8:5: first given here",
                "10:5: warning: 'dynamic_interfaces' is read but not carried out by lvsd: lvsd acts the same with or without it (a VRRP instance whose interface cannot be opened is retried every 5 seconds)",
                "10:24: error: unknown dynamic_interfaces option 'sometimes' (expected 'allow_if_changes')",
            ]),
        Case(name: "families", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                ip_family inet6
                sorry_server 2001:db8::1 80
                real_server 2001:db8::2 80 {
                }
                real_server 10.0.1.1 80 {
                }
            }
            """, expected: [
                "5:15: error: ip_family inet6 conflicts with the virtual server's address family",
                "6:5: error: sorry server 2001:db8::1 is not of the virtual server's address family",
                "7:5: error: real server 2001:db8::2 is not of the virtual server's address family",
            ]),
        Case(name: "sorry server keywords need a sorry server", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                sorry_server_inhibit
                sorry_server_lvs_method DR
                real_server 10.0.1.1 80 {
                }
            }
            """, expected: [
                "5:5: error: sorry_server_inhibit needs a sorry_server before it",
                "6:5: error: sorry_server_lvs_method needs a sorry_server before it",
            ]),
        Case(name: "no real servers", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
            }
            """, expected: [
                "1:1: warning: virtual_server 10.0.0.1:80 has no real servers and is ignored, as keepalived does",
            ]),
        Case(name: "misc_path words", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                real_server 10.0.1.1 80 {
                    MISC_CHECK {
                        misc_path /bin/check -p 80
                    }
                    FILE_CHECK {
                        track_file nowhere
                    }
                    SMTP_CHECK {
                        host {
                            connect_ip 10.0.1.9
                        }
                    }
                }
            }
            """, expected: [
                "7:34: warning: '-p 80' after the command is ignored; quote the whole command line to pass arguments",
                "9:9: error: FILE_CHECK names track_file 'nowhere', which is not defined",
                "13:13: warning: SMTP_CHECK host blocks are deprecated: write one SMTP_CHECK per server to check",
            ]),
        Case(name: "checker addresses of two families", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched rr
                lvs_method NAT
                real_server 10.0.1.1 80 {
                    TCP_CHECK {
                        bindto 2001:db8::1
                    }
                    TCP_CHECK {
                        bindto 10.0.0.9
                        connect_ip 2001:db8::2
                    }
                }
            }
            """, expected: [
                "7:20: error: bindto 2001:db8::1 is not of the address family of the checked address 10.0.1.1",
                "11:24: error: connect_ip 2001:db8::2 is not of the address family of bindto 10.0.0.9",
            ]),
        // ip_vs_ctl.c ip_vs_add_dest: l_threshold > u_threshold is ERANGE, also with u_threshold 0.
        Case(name: "lower threshold above the upper one", text: """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lvs_sched wlc
                lvs_method NAT
                real_server 10.0.1.1 80 {
                    lthreshold 5
                }
                real_server 10.0.1.2 80 {
                    uthreshold 10
                    lthreshold 11
                }
                real_server 10.0.1.3 80 {
                    uthreshold 10
                    lthreshold 10
                }
                real_server 10.0.1.4 80 {
                    uthreshold 10
                }
                real_server 10.0.1.5 80 {
                    lthreshold 0
                }
            }
            """, expected: [
                "6:9: error: lthreshold 5 is above no uthreshold (0): the kernel refuses this real server (ERANGE); "
                    + "write a uthreshold of at least 5, or remove lthreshold",
                "10:9: error: lthreshold 11 is above uthreshold 10: the kernel refuses this real server (ERANGE); "
                    + "write a uthreshold of at least 11, or remove lthreshold",
                "  note 9:9: uthreshold given here",
            ]),
    ]

    @Test(arguments: cases)
    func diagnostics(_ c: Case) {
        let result = LVSFixture.load(c.text)
        #expect(LVSFixture.messages(result) == c.expected)
    }
}
