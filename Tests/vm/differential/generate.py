#!/usr/bin/env python3
"""Seeded random inputs for Tests/vm/ipvsadm-differential.sh.

Writes into OUTDIR:
  rules-N.rules  random rule sets in `ipvsadm -S -n` form (for -R and lvsctl restore)
  steps.txt      random ipvsadm command lines, one per line (valid and invalid ones)
usage: generate.py SEED OUTDIR [RULESETS] [STEPS]
"""
import os
import random
import sys

SCHEDULERS = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh"]


class Gen:
    def __init__(self, rng):
        self.r = rng

    def v4(self):
        r = self.r
        first = r.choice([10, 10, 192, 172, 200, 1, 128, 250, 100])
        return "%d.%d.%d.%d" % (first, r.randrange(0, 4), r.randrange(0, 4), r.randrange(1, 255))

    def v6(self):
        r = self.r
        return "2001:db8:%x::%x" % (r.randrange(0, 4), r.randrange(1, 0xffff))

    def port(self):
        return self.r.choice([80, 443, 53, 8080, 22, 1, 65535, 3868, 5060, self.r.randrange(1, 65536)])

    def service(self, family=None):
        r = self.r
        family = family or r.choice(["4", "4", "4", "6", "f4", "f6"])
        if family == "f4":
            return ["-f", str(r.choice([1, 2, 3, 100, r.randrange(1, 2**32)]))], "4", None
        if family == "f6":
            return ["-f", str(r.choice([7, 8, r.randrange(1, 2**32)])), "-6"], "6", None
        proto = r.choice(["-t", "-t", "-u", "--sctp-service"])
        addr = self.v4() if family == "4" else "[%s]" % self.v6()
        return [proto, "%s:%d" % (addr, self.port())], family, proto

    def service_options(self, family, proto):
        r = self.r
        sched = r.choice(SCHEDULERS)
        words = ["-s", sched]
        if r.random() < 0.35:
            words += ["-p", str(r.choice([1, 60, 300, 360, 3600, 86400]))]
            if r.random() < 0.5:
                words += ["-M", r.choice(["255.255.255.0", "255.255.0.0", "255.0.0.0"]) if family == "4"
                          else str(r.choice([48, 64, 96, 127]))]
        if r.random() < 0.15 and proto in (None, "-u"):
            words.append("-o")
        if r.random() < 0.25:
            if sched == "sh":
                flags = r.choice(["sh-fallback", "sh-port", "sh-fallback,sh-port", "flag-3"])
            elif sched == "mh":
                flags = r.choice(["mh-fallback", "mh-port", "mh-fallback,mh-port"])
            else:
                flags = r.choice(["flag-1", "flag-2", "flag-3", "flag-1,flag-3"])
            words += ["-b", flags]
        return words

    def server(self, family):
        r = self.r
        method = r.choice(["-g", "-m", "-m", "-i"])
        dfam = family
        if method == "-i" and r.random() < 0.2:
            dfam = "6" if family == "4" else "4"
        addr = self.v4() if dfam == "4" else "[%s]" % self.v6()
        words = ["-r", "%s:%d" % (addr, self.port()), method]
        if r.random() < 0.7:
            words += ["-w", str(r.choice([0, 1, 2, 5, 100, 65535]))]
        if r.random() < 0.2:
            words += ["-x", str(r.randrange(0, 1000))]
        if r.random() < 0.2:
            words += ["-y", str(r.randrange(0, 1000))]
        if method == "-i" and r.random() < 0.5:
            t = r.choice(["ipip", "gue", "gre"])
            words += ["--tun-type", t]
            if t == "gue":
                words += ["--tun-port", str(r.randrange(1, 65536))]
                c = r.choice([None, "--tun-nocsum", "--tun-csum", "--tun-remcsum"])
            elif t == "gre":
                c = r.choice([None, "--tun-nocsum", "--tun-csum"])
            else:
                c = None
            if c:
                words.append(c)
        return words

    def ruleset(self):
        lines = []
        for _ in range(self.r.randrange(0, 12)):
            svc, family, proto = self.service()
            lines.append(" ".join(["-A"] + svc + self.service_options(family, proto)))
            for _ in range(self.r.randrange(0, 6)):
                lines.append(" ".join(["-a"] + svc + self.server(family)))
        return lines

    def step(self, known):
        """One ipvsadm command line; `known` are service word lists created so far."""
        r = self.r
        roll = r.random()
        if known and roll < 0.55:
            svc, family = r.choice(known)
        else:
            s, family, _ = self.service()
            svc = s
        proto = svc[0] if svc[0] != "-f" else None
        kind = r.choices(
            ["A", "E", "D", "a", "e", "d", "C", "Z", "set", "L", "S", "bad", "Lsvc"],
            weights=[14, 5, 4, 16, 6, 5, 1, 3, 1, 8, 4, 8, 4])[0]
        if kind == "A":
            words = ["-A"] + svc + self.service_options(family, proto)
            known.append((svc, family))
        elif kind == "E":
            words = ["-E"] + svc + self.service_options(family, proto)
        elif kind == "D":
            words = ["-D"] + svc
        elif kind == "a":
            words = ["-a"] + svc + self.server(family)
        elif kind == "e":
            words = ["-e"] + svc + self.server(family)
        elif kind == "d":
            words = ["-d"] + svc + self.server(family)[:2]
        elif kind == "C":
            words = ["-C"]
            known.clear()
        elif kind == "Z":
            words = ["-Z"] + (svc if r.random() < 0.5 else [])
        elif kind == "set":
            words = ["--set"] + [str(r.choice([0, 10, 900, 120])) for _ in range(3)]
        elif kind == "L":
            words = r.choice([["-L", "-n"], ["-Ln"], ["-L", "-n", "--stats"], ["-L", "-n", "--rate"],
                              ["-L", "-n", "--thresholds"], ["-L", "-n", "--persistent-conn"],
                              ["-L", "-n", "--tun-info"], ["-L", "-n", "--exact", "--stats"],
                              ["-L", "--timeout"], ["-L", "-n", "--nosort"], ["-l", "-n"],
                              ["--list", "--numeric"], ["-L", "-n", "-c"], ["-L", "--daemon"]])
        elif kind == "Lsvc":
            words = ["-L", "-n"] + svc
        elif kind == "S":
            words = r.choice([["-S", "-n"], ["-Sn"], ["--save", "--numeric"]])
        else:
            words = r.choice([
                ["-A"] + svc + ["-s", "nosuchsched"],
                ["-A"] + svc + ["-p", "0"],
                ["-A"] + svc + ["-w", "3"],
                ["-a"] + svc,
                ["-a"] + svc + ["-r", "1.2.3.4:80", "-w", "70000"],
                ["-a"] + svc + ["-r", "1.2.3.4:80", "-x", "-1"],
                ["-a"] + svc + ["-r", "1.2.3.4:80", "-m", "--tun-type", "gue"],
                ["-a"] + svc + ["-r", "1.2.3.4:80", "-i", "--tun-type", "gue"],
                ["-a"] + svc + ["-r", "1.2.3.4:80", "-i", "--tun-type", "ipip", "--tun-csum"],
                ["-a"] + svc + ["-r", "1.2.3.4:80", "-i", "--tun-type", "gre", "--tun-csum", "--tun-nocsum"],
                ["-A", "-t", "10.0.0.1:0", "-s", "rr"],
                ["-A", "-t", "10.0.0.1:80", "-o"],
                ["-A", "-t", "80"],
                ["-A", "-t", "[2001:db8::1]80"],
                ["-A", "-t", "1.2.3.4:http"],
                ["-A", "-u", "1.2.3.4:domain", "-s", "rr"],
                ["-A", "-f", "0"],
                ["-A", "-f", "-5"],
                ["-A", "-f", "4294967296"],
                ["-A", "-6", "-f", "5"],
                ["-A", "-t", "1.2.3.4:80", "-b", "sh-port"],
                ["-A", "-t", "1.2.3.4:80", "-b", "bogus"],
                ["-A", "-t", "1.2.3.4:80", "-M", "255.255.255.0"],
                ["-A", "-t", "1.2.3.4:80", "-p", "-M", "nonsense"],
                ["-A", "-f", "9", "-6", "-M", "200", "-p"],
                ["-L", "-Z"],
                ["-L", "--stats", "--timeout"],
                ["-L", "--stats", "--rate"],
                ["-L", "-c", "--daemon"],
                ["-S", "--stats"],
                ["-C", "-n"],
                ["-D"],
                ["--frobnicate"],
                ["-L", "--frobnicate"],
                ["-Lq"],
                ["-t", "1.2.3.4:80", "-A"],
                ["-n", "-L"],
                ["--set", "1", "2"],
                ["--set", "1", "2", "x"],
                ["-L", "extra"],
                ["-A", "-t"],
                ["--start-daemon", "sideways"],
                ["--stop-daemon", "master"],
                ["-v"],
                ["-h"],
                ["-A", "-t", "1.2.3.4:80", "-t", "1.2.3.5:80"],
                ["-a"] + svc + ["-r", "[2001:db8::5]:80", "-m"],
                ["-E"] + svc + ["-s", "rr", "--pe", "sip"],
            ])
        return " ".join(words)


def main():
    seed = int(sys.argv[1])
    out = sys.argv[2]
    rulesets = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    rng = random.Random(seed)
    g = Gen(rng)
    os.makedirs(out, exist_ok=True)
    for i in range(rulesets):
        with open(os.path.join(out, "rules-%02d.rules" % i), "w") as f:
            for line in g.ruleset():
                f.write(line + "\n")
    known = []
    with open(os.path.join(out, "steps.txt"), "w") as f:
        for _ in range(steps):
            f.write(g.step(known) + "\n")


if __name__ == "__main__":
    main()
