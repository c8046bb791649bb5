# shellcheck shell=bash
# Helpers shared by scripts/install-deps.sh and scripts/vm/*. Source it; it defines functions only.

# vm_log MSG...: one line on stderr, prefixed so it never mixes with a payload's stdout.
vm_log() { printf 'vm: %s\n' "$*" >&2; }

# vm_die CODE MSG...: print MSG on stderr and exit with CODE.
vm_die() {
    local code=$1
    shift
    printf 'vm: error: %s\n' "$*" >&2
    exit "$code"
}

# vm_pick_kernel: print the version of the newest installed Debian amd64 kernel that has both
# /lib/modules/VER and /boot/vmlinuz-VER. The host's running kernel is irrelevant (it has no
# IPVS and may not be Debian's), so we never use `uname -r`. VM_KERNEL overrides the choice.
vm_pick_kernel() {
    if [[ -n ${VM_KERNEL:-} ]]; then
        [[ -r /boot/vmlinuz-$VM_KERNEL && -d /lib/modules/$VM_KERNEL ]] ||
            return 1
        printf '%s\n' "$VM_KERNEL"
        return 0
    fi
    local dir ver best=
    for dir in /lib/modules/*-amd64; do
        ver=${dir##*/}
        [[ -r /boot/vmlinuz-$ver ]] || continue
        # sort -V orders 6.1.0-9 before 6.1.0-56, which plain string order gets wrong.
        if [[ -z $best ]] || [[ $(printf '%s\n%s\n' "$best" "$ver" | sort -V | tail -n1) == "$ver" ]]; then
            best=$ver
        fi
    done
    [[ -n $best ]] || return 1
    printf '%s\n' "$best"
}
