#!/usr/bin/env bash
# Install every Debian package lvs-director needs to build, test and run its kernel VM.
#
# Idempotent and fast: when all packages are already installed it only runs dpkg-query and
# exits. `apt-get update` runs only when something is missing, since it is the slow part and
# needs the network. Must run as root (as on the dev machines and CI).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/vm/lib.sh
. "$here/vm/lib.sh"

packages=(
    # Swift build: the CNetlink system library (pkg-config libnl-genl-3.0).
    libnl-3-dev libnl-genl-3-dev pkg-config
    # The kernel VM harness (scripts/vm): an emulator, a Debian kernel with IPVS modules, and
    # what goes into the guest initramfs.
    qemu-system-x86 linux-image-amd64 busybox-static kmod cpio
    # extract-vmlinux and compressed modules: kernels/modules may be xz or zstd compressed.
    xz-utils zstd gzip
    # flock, setsid, timeout, base64 used by the harness.
    util-linux coreutils
    # Guest tools and interop partners.
    ipvsadm iproute2 strace keepalived nginx openssl
    # The SMTP server the alert-mail tests talk to (aiosmtpd, from PyPI) lives in a venv.
    python3-venv
    # The DNS server the DNS_CHECK tests (RealServerChecksTests) start on loopback: the dnsmasq
    # binary alone (dnsmasq-base), without the dnsmasq package's system service.
    dnsmasq-base
    # BIRD 2, the routing daemon of the scale-out samples (samples/bird-*.conf, parsed by
    # SamplesTests) and of the ECMP scenario in the VM (Tests/vm/bgp).
    bird2
)

# The alert-mail tests (DirectorTests) and the SMTP_CHECK tests (RealServerChecksTests) start
# aiosmtpd from this venv; they fail without it.
smtp_venv=/opt/lvs-director/smtp-venv
smtp_package=aiosmtpd==1.4.6

# missing_packages: print the packages from $packages that are not fully installed.
missing_packages() {
    # One dpkg-query for all: it prints nothing for packages it has never heard of.
    local installed
    installed=$(dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${packages[@]}" 2>/dev/null |
        awk '$1 == "installed" { print $2 }' || true)
    local pkg
    for pkg in "${packages[@]}"; do
        grep -qxF -- "$pkg" <<<"$installed" || printf '%s\n' "$pkg"
    done
}

# apt_lists_present: true when apt has package lists at all. A fresh container has none, and
# then `apt-get install` fails with "Unable to locate package".
apt_lists_present() {
    compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null # often stored as .lz4
}

# install_missing PKG...: apt-get install without starting services. nginx, keepalived and
# bird would otherwise be started on the host by their postinst scripts and hold port 80, send
# VRRP or open BGP sessions; our tests start their own instances inside namespaces. policy-rc.d (exit 101 = "action
# forbidden") is the documented Debian way to stop invoke-rc.d from starting them; we only add
# one when none exists and always remove ours.
install_missing() {
    local policy=/usr/sbin/policy-rc.d ours=
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        ours=$policy
    fi
    # shellcheck disable=SC2064 # expand $ours now: it is fixed at this point.
    trap "rm -f -- '$ours'" EXIT
    local attempt
    for attempt in 1 2; do
        # The first try reuses existing lists when there are some; on failure (lists too old:
        # a 404 for a superseded version) refresh them and try once more.
        if [[ $attempt == 2 ]] || ! apt_lists_present; then
            apt-get update
        fi
        if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; then
            return 0
        fi
    done
    return 1
}

main() {
    local -a missing
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} > 0)); then
        [[ $(id -u) == 0 ]] || vm_die 1 "need root to install: ${missing[*]}"
        printf 'install-deps: installing %s\n' "${missing[*]}" >&2
        install_missing "${missing[@]}" || vm_die 1 "apt-get install failed for: ${missing[*]}"
    fi
    # aiosmtpd from PyPI into its own venv (Debian's python is externally managed), only when
    # the venv cannot import it yet.
    if ! "$smtp_venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
        printf 'install-deps: installing %s into %s\n' "$smtp_package" "$smtp_venv" >&2
        /usr/bin/python3 -m venv "$smtp_venv" || vm_die 1 "cannot create the venv $smtp_venv"
        "$smtp_venv/bin/pip" install --quiet "$smtp_package" || vm_die 1 "pip install $smtp_package failed"
    fi
    # The VM harness boots the newest Debian amd64 kernel present, whichever version that is.
    local kver
    kver=$(vm_pick_kernel) ||
        vm_die 1 "no kernel with both /boot/vmlinuz-VER and /lib/modules/VER (is linux-image-amd64 installed?)"
    local ipvs
    ipvs=$(modprobe -S "$kver" --show-depends ip_vs 2>/dev/null | tail -n1 | awk '{ print $2 }') ||
        vm_die 1 "kernel $kver has no ip_vs module"
    printf 'install-deps: ok (%d packages, VM kernel %s: %s)\n' "${#packages[@]}" "$kver" "${ipvs##*/}" >&2
}

main "$@"
