#!/usr/bin/env python3
"""Writes a keepalived.conf for the director benchmark to stdout: N virtual servers x M
real servers, every real server with a TCP_CHECK (or, with --check http, an HTTP_GET of
/health expecting 200) on port 80.

    usage: generate.py [--virtual-servers N] [--real-servers M] [--delay-loop S]
                       [--changed-weights K] [--check tcp|http] [--vrrp-vip ADDRESS] [--warm-standby]

Virtual servers are 10.0.x.y:80 (NAT, wlc), real servers 10.64.0.1 upwards, port 80: the
benchmark payload routes 10.64.0.0/10 to the guest's loopback and listens on port 80, so
every check connects. --changed-weights K gives the first K real servers weight 2 instead
of 1 (a reload that changes K destinations). --vrrp-vip ADDRESS puts every virtual server on
ADDRESS (ports 1000 upwards) and adds a VRRP instance holding it on eth0, for two directors
sharing the file: -i d1 reads priority 150, -i d2 priority 100. The output is a pure function
of the options.
"""
import argparse


def address(index: int) -> str:
    return f"10.{(index >> 16) & 0xFF}.{(index >> 8) & 0xFF}.{index & 0xFF}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--virtual-servers", type=int, default=1000)
    parser.add_argument("--real-servers", type=int, default=10)
    parser.add_argument("--delay-loop", type=int, default=10)
    parser.add_argument("--changed-weights", type=int, default=0)
    parser.add_argument("--check", choices=["tcp", "http"], default="tcp")
    parser.add_argument("--vrrp-vip")
    parser.add_argument("--warm-standby", action="store_true")
    args = parser.parse_args()
    out = ["global_defs {", "    router_id bench"]
    if args.warm_standby:
        out.append("    lvsd_warm_standby")
    out.append("}")
    if args.vrrp_vip:
        out += ["vrrp_instance VI_1 {",
                "@d1 state MASTER",
                "@d2 state BACKUP",
                "    interface eth0",
                "    virtual_router_id 51",
                "@d1 priority 150",
                "@d2 priority 100",
                "    advert_int 1",
                "    virtual_ipaddress {",
                f"        {args.vrrp_vip}/24",
                "    }",
                "}"]
    n = 0
    for vs in range(args.virtual_servers):
        service = f"{args.vrrp_vip} {1000 + vs}" if args.vrrp_vip else f"{address(1 + vs)} 80"
        out += [f"virtual_server {service} {{",
                f"    delay_loop {args.delay_loop}",
                "    lvs_sched wlc",
                "    lvs_method NAT",
                "    protocol TCP"]
        for rs in range(args.real_servers):
            weight = 2 if n < args.changed_weights else 1
            n += 1
            out += [f"    real_server {address(0x400001 + vs * args.real_servers + rs)} 80 {{",
                    f"        weight {weight}"]
            if args.check == "http":
                out += ["        HTTP_GET {",
                        "            url {",
                        "                path /health",
                        "                status_code 200",
                        "            }"]
            else:
                out += ["        TCP_CHECK {"]
            out += ["            connect_timeout 3",
                    "            retry 1",
                    "            delay_before_retry 1",
                    "        }",
                    "    }"]
        out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
