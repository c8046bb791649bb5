#!/usr/bin/env bash
# Captures the golden netlink bytes in golden/: boots the VM (scripts/vm/run),
# runs capture-payload.sh there, where Debian's ipvsadm talks to Debian's
# kernel under `strace -xx -e write=3 -e read=3`, and writes one file per step
# with the command, its exit status, every request it sent and every reply it
# read (hex, one message buffer per line). Re-run after changing the payload.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
"$root/scripts/vm/run" --timeout 300 -- "$here/capture-payload.sh" >"$raw"
kernel=$(ls /lib/modules | sort -V | tail -1)
ipvsadm_version=$(dpkg-query -W -f '${Version}' ipvsadm)
python3 - "$raw" "$here/golden" "$kernel" "$ipvsadm_version" <<'PY'
import re, sys, pathlib
raw, outdir, kernel, version = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4]
outdir.mkdir(exist_ok=True)
steps, cur = [], None
call = None  # 'send' / 'recv' / None (a MSG_PEEK duplicate, skipped)
for line in open(raw, encoding='utf-8', errors='replace'):
    line = line.rstrip('\n')
    if line.startswith('@@STEP '):
        name, cmd = line[7:].split(' ', 1)
        cur = {'name': name, 'cmd': cmd, 'msgs': [], 'status': None}
        steps.append(cur)
        continue
    if line.startswith('@@STATUS '):
        cur['status'] = line.split()[1]
        continue
    if line.startswith('sendmsg('):
        call = 'send'; cur['msgs'].append([call, '']); continue
    if line.startswith('recvmsg('):
        call = None if 'MSG_PEEK' in line else 'recv'
        if call: cur['msgs'].append([call, ''])
        continue
    if re.match(r' \| [0-9a-f]{5}  ', line):
        # " | 00010  xx xx .. (16 bytes in two groups of 8)  ascii |"
        if call and cur and cur['msgs']:
            cur['msgs'][-1][1] += line[10:59].replace(' ', '')
        continue
    if line.startswith(' * '):
        continue
    if cur is not None and not line.startswith(('sendmsg', 'recvmsg', '+++')):
        cur.setdefault('output', []).append(line)
for s in steps:
    with open(outdir / f"{s['name']}.txt", 'w') as f:
        f.write(f"# Captured by Tests/IPVSNetlinkTests/Fixtures/capture.sh: Debian ipvsadm {version} on Debian kernel {kernel}\n")
        f.write(f"# in the qemu VM, bytes from strace -xx -e write=3 -e read=3. Do not edit by hand.\n")
        f.write(f"command: {s['cmd']}\n")
        f.write(f"status: {s['status']}\n")
        for kind, hexs in s['msgs']:
            f.write(f"{kind}: {hexs}\n")
        for out in s.get('output', []):
            f.write(f"output: {out}\n")
print(f"wrote {len(steps)} fixtures to {outdir}")
PY
