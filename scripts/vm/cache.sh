# shellcheck shell=bash
# Builds and caches what every VM boot shares, in vm-work/ at the repository root:
#   vmlinux-KVER                  uncompressed ELF kernel (boots via PVH, about twice as fast as bzImage)
#   vmlinux                       symlink to the newest one, for humans
#   initramfs-KVER-KEY.cpio       base initramfs (newc, uncompressed: unpacking is faster than inflating)
#   initramfs-KVER-KEY.list       the guest paths it contains, so per-run archives skip duplicates
# KEY hashes every input (paths, sizes and mtimes of all host files copied in, this file and
# guest-init), so the archive is rebuilt exactly when an input changes. Builds happen under an
# exclusive flock on vm-work/.lock into temp files that are renamed into place; readers take
# the lock shared while they copy, so concurrent runs never see half-written or deleted files.
#
# Needs lib.sh sourced first. Sets nothing global except what the caller passes in.

# IPVS and everything a scheduler test needs: inserted at boot in `modprobe --show-depends`
# order (busybox modprobe ignores softdeps such as libcrc32c -> crc32c, so we insmod ourselves).
VM_BOOT_MODULES=(
    ip_vs
    ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh
    ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh
    ip_vs_pe_sip ip_vs_ftp
)
# Boot modules that not every kernel has (twos is new in 6.x and off in Debian 12's build).
VM_OPTIONAL_BOOT_MODULES=(ip_vs_twos)
# In the image but loaded on demand (ip link add ... type veth), so that a payload starts with
# no surprise interfaces (tunl0, gre0, ...) in every namespace unless it asks for them.
VM_DEMAND_MODULES=(veth dummy bridge)
VM_OPTIONAL_DEMAND_MODULES=(ipip ip_gre gre fou fou6 ip6_tunnel sit ip6_gre tunnel4 tunnel6)

# Host binaries in the base image, as "HOSTPATH GUESTPATH". ip is the full iproute2 one (busybox
# ip has no netns support); busybox's stays at /sbin/ip, so tests call /usr/sbin/ip by full path.
VM_BASE_BINARIES=(
    "/usr/sbin/ipvsadm /usr/sbin/ipvsadm"
    "/usr/sbin/ip /usr/sbin/ip"
    "/usr/bin/strace /usr/bin/strace"
)

vm_repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

# vm_work_dir: the cache directory, created on first use.
vm_work_dir() {
    local dir
    dir=${VM_WORK_DIR:-$(vm_repo_root)/vm-work}
    mkdir -p "$dir"
    printf '%s\n' "$dir"
}

# ---------------------------------------------------------------------------------------------
# Kernel: the logic of linux/scripts/extract-vmlinux. A bzImage is a small decompressor plus the
# compressed ELF; find each known compression magic, decompress from there (the stream is
# followed by trailing data, so decompressors may complain) and keep the first result that is ELF.

# _vm_is_elf FILE: true when FILE starts with \177ELF.
_vm_is_elf() {
    [[ -s $1 ]] && [[ $(head -c 4 "$1" | od -An -c | tr -d ' \n') == '177ELF' ]]
}

# _vm_offsets FILE MAGIC: byte offsets of MAGIC (printf escapes) in FILE.
_vm_offsets() {
    local hex
    # shellcheck disable=SC2059 # MAGIC is a printf format on purpose: it holds \ooo escapes.
    hex=$(printf "$2" | od -An -v -tx1 | tr -d ' \n' | sed 's/../\\x&/g')
    LC_ALL=C grep -obUaP -- "$hex" "$1" | cut -d: -f1 || true
}

# vm_extract_vmlinux IMAGE OUT: write the uncompressed ELF kernel in IMAGE to OUT.
vm_extract_vmlinux() {
    local img=$1 out=$2 tmp=$2.tmp.$$
    if _vm_is_elf "$img"; then
        cp "$img" "$tmp" && mv -f "$tmp" "$out"
        return 0
    fi
    # "magic|decompressor", same order as the kernel script; --single-stream makes xz stop
    # cleanly at the end of the kernel instead of failing on what follows it.
    local -a formats=(
        '\037\213\010|gzip -dc'
        '\3757zXZ\000|xz -dc --single-stream'
        'BZh|bzip2 -dc'
        '\135\0\0\0|xz -dc --format=lzma'
        '\211\114\132|lzop -dc'
        '\002!L\030|lz4 -dc'
        '(\265/\375|zstd -dc'
    )
    local fmt magic cmd pos
    for fmt in "${formats[@]}"; do
        magic=${fmt%%|*}
        cmd=${fmt#*|}
        command -v "${cmd%% *}" >/dev/null || continue
        for pos in $(_vm_offsets "$img" "$magic"); do
            # shellcheck disable=SC2086 # $cmd is a command line with options.
            tail -c "+$((pos + 1))" "$img" | $cmd >"$tmp" 2>/dev/null || true
            if _vm_is_elf "$tmp"; then
                mv -f "$tmp" "$out"
                return 0
            fi
        done
    done
    rm -f "$tmp"
    return 1
}

# vm_kernel KVER: print the path of the cached vmlinux for KVER, extracting it if needed.
# Falls back to the bzImage itself (slower boot) if no ELF can be extracted.
vm_kernel() {
    local kver=$1 work img out
    work=$(vm_work_dir)
    img=/boot/vmlinuz-$kver
    out=$work/vmlinux-$kver
    if [[ ! -s $out || $img -nt $out ]]; then
        (
            flock -x 9
            if [[ ! -s $out || $img -nt $out ]]; then
                vm_extract_vmlinux "$img" "$out" || exit 1
                ln -sfn "vmlinux-$kver" "$work/vmlinux.tmp.$$" && mv -fT "$work/vmlinux.tmp.$$" "$work/vmlinux"
            fi
        ) 9>>"$work/.lock" || {
            vm_log "warning: could not extract an ELF vmlinux from $img; booting the bzImage (slower)"
            printf '%s\n' "$img"
            return 0
        }
    fi
    printf '%s\n' "$out"
}

# ---------------------------------------------------------------------------------------------
# Copying host files into a staging tree.

# vm_guest_path HOSTPATH: where a library goes in the guest: its directory with symlinks
# resolved (on usrmerged Debian /lib/x86_64-linux-gnu is /usr/lib/x86_64-linux-gnu), so every
# library lands in one real directory and the lib -> usr/lib links make the other name work.
vm_guest_path() {
    local dir
    dir=$(cd "$(dirname "$1")" && pwd -P)
    printf '%s/%s\n' "${dir%/}" "$(basename "$1")"
}

# vm_ldd_libs FILE: print the host paths of the shared libraries FILE needs, dynamic loader
# included; nothing for static binaries and scripts. Fails if a library is missing on the host.
vm_ldd_libs() {
    local out
    if ! out=$(LC_ALL=C ldd "$1" 2>&1); then
        [[ $out == *'not a dynamic executable'* ]] && return 0
        vm_log "ldd $1: $out"
        return 1
    fi
    [[ $out == *'statically linked'* ]] && return 0
    if [[ $out == *'not found'* ]]; then
        vm_log "ldd $1: missing libraries:"$'\n'"$(grep 'not found' <<<"$out")"
        return 1
    fi
    # Lines are "libx.so => /path (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)" or the
    # vdso "linux-vdso.so.1 (0x...)", which has no file.
    awk '$2 == "=>" && $3 ~ /^\// { print $3; next } $1 ~ /^\// { print $1 }' <<<"$out"
}

# vm_stage_mkroot STAGE: the directory skeleton, with the host's lib -> usr/lib style links.
vm_stage_mkroot() {
    local stage=$1 d
    mkdir -p "$stage"
    chmod 755 "$stage"
    for d in lib lib32 lib64 libx32; do
        if [[ -L /$d ]]; then
            ln -sfn "$(readlink "/$d")" "$stage/$d"
            mkdir -p "$stage/$(readlink -f "/$d")"
        fi
    done
}

# vm_stage_copy STAGE SRC GUESTPATH: copy SRC's content (symlinks followed) to GUESTPATH.
vm_stage_copy() {
    local stage=$1 src=$2 dest=$1$3
    mkdir -p "$(dirname "$dest")"
    cp -L --preserve=mode "$src" "$dest"
}

# vm_stage_binary STAGE HOSTPATH GUESTPATH [SKIPLIST]: copy a program and every library it
# needs. Libraries listed in SKIPLIST (a file of guest paths, e.g. the base image's) are left out.
vm_stage_binary() {
    local stage=$1 src=$2 dest=$3 skip=${4:-/dev/null} lib glib libs
    [[ -f $src && -x $src ]] || { vm_log "not an executable file: $src"; return 1; }
    vm_stage_copy "$stage" "$src" "$dest"
    libs=$(vm_ldd_libs "$src") || return 1
    for lib in $libs; do
        glib=$(vm_guest_path "$lib")
        grep -qxF -- "$glib" "$skip" && continue
        [[ -e $stage$glib ]] || vm_stage_copy "$stage" "$lib" "$glib"
    done
}

# vm_cpio STAGE OUT: pack STAGE as a newc archive owned by root, in a stable order (parents
# before children, which the kernel's unpacker needs).
vm_cpio() {
    (cd "$1" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet) >"$2"
}

# ---------------------------------------------------------------------------------------------
# Base initramfs.

# vm_module_plan KVER: print the modules to put in the image, one "boot|demand insmod-line" per
# line, dependencies first and each module once. Soft dependencies (crc32c before libcrc32c,
# nf_defrag_ipv6 ...) are in there because modprobe --show-depends lists them.
vm_module_plan() {
    local kver=$1 mod line
    local -A seen=()
    _vm_plan_one() { # KIND MODULE REQUIRED
        local deps
        if ! deps=$(modprobe -S "$kver" --show-depends "$2" 2>/dev/null); then
            [[ $3 == required ]] && { vm_log "kernel $kver has no module $2"; return 1; }
            return 0
        fi
        while IFS= read -r line; do
            [[ $line == insmod\ * ]] || continue # "builtin x": nothing to load
            line=${line#insmod }
            line=${line%% } # modprobe appends a space
            [[ -n ${seen[${line%% *}]:-} ]] && continue
            seen[${line%% *}]=1
            printf '%s insmod %s\n' "$1" "$line"
        done <<<"$deps"
    }
    for mod in "${VM_BOOT_MODULES[@]}"; do _vm_plan_one boot "$mod" required || return 1; done
    for mod in "${VM_OPTIONAL_BOOT_MODULES[@]}"; do _vm_plan_one boot "$mod" optional; done
    for mod in "${VM_DEMAND_MODULES[@]}"; do _vm_plan_one demand "$mod" required || return 1; done
    for mod in "${VM_OPTIONAL_DEMAND_MODULES[@]}"; do _vm_plan_one demand "$mod" optional; done
}

# _vm_host_bin PATH: PATH, or the same name in another bin directory (non-usrmerged hosts).
_vm_host_bin() {
    local cand
    for cand in "$1" "/bin/${1##*/}" "/sbin/${1##*/}" "/usr/bin/${1##*/}" "/usr/sbin/${1##*/}"; do
        [[ -x $cand ]] && { printf '%s\n' "$cand"; return 0; }
    done
    vm_log "missing on the host: $1 (run scripts/install-deps.sh)"
    return 1
}

# _vm_base_inputs KVER PLAN: print every host file the base image is built from, for the key.
_vm_base_inputs() {
    local kver=$1 plan=$2 entry bin
    printf '%s\n' /bin/busybox
    for entry in "${VM_BASE_BINARIES[@]}"; do
        bin=$(_vm_host_bin "${entry%% *}") || return 1
        printf '%s\n' "$bin"
        vm_ldd_libs "$bin" || return 1
    done
    vm_ldd_libs /bin/busybox || return 1
    awk '{ print $3 }' <<<"$plan"
    printf "/lib/modules/$kver/%s\n" modules.builtin modules.builtin.modinfo modules.order
}

# vm_base_initramfs KVER: print the path of the base initramfs for KVER, building it if needed.
vm_base_initramfs() {
    local kver=$1 work plan key inputs here
    work=$(vm_work_dir)
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    plan=$(vm_module_plan "$kver") || return 1
    inputs=$(_vm_base_inputs "$kver" "$plan") || return 1
    key=$({
        printf '%s\n' "$kver" "$plan" "${VM_BASE_BINARIES[@]}"
        # shellcheck disable=SC2086 # one path per word
        stat -L -c '%n %s %Y' $inputs
        cat "$here/cache.sh" "$here/guest-init"
    } | sha256sum | cut -c1-16)
    local out=$work/initramfs-$kver-$key.cpio
    if [[ ! -s $out ]]; then
        (
            flock -x 9
            [[ -s $out ]] && exit 0
            vm_log "building base initramfs for $kver (inputs changed)..."
            _vm_build_base "$kver" "$plan" "$out" || exit 1
            # Older archives are garbage now; readers hold the lock shared while copying.
            find "$work" -maxdepth 1 -name 'initramfs-*' ! -name "initramfs-$kver-$key.*" -delete
        ) 9>>"$work/.lock" || return 1
    fi
    printf '%s\n' "$out"
}

# _vm_build_base KVER PLAN OUT: assemble the tree in a temp dir and pack it to OUT(.list).
_vm_build_base() {
    local kver=$1 plan=$2 out=$3 here stage rc=0
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    stage=$(mktemp -d "${out%/*}/.stage.XXXXXX")
    _vm_fill_base "$kver" "$plan" "$stage" "$here" || rc=1
    local list=${out%.cpio}.list
    if ((rc == 0)); then
        { (cd "$stage" && find . -mindepth 1 -printf '/%P\n' | LC_ALL=C sort) >"$list.tmp.$$" &&
            vm_cpio "$stage" "$out.tmp.$$" &&
            mv -f "$list.tmp.$$" "$list" &&
            mv -f "$out.tmp.$$" "$out"; } || rc=1
    fi
    rm -rf "$stage" "$out.tmp.$$" "$list.tmp.$$"
    return "$rc"
}

# _vm_fill_base KVER PLAN STAGE HERE: populate the staging tree of the base image.
_vm_fill_base() {
    local kver=$1 plan=$2 stage=$3 here=$4 entry applet kind line path rel
    vm_stage_mkroot "$stage"
    mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc/vm,etc/modprobe.d,proc,sys,dev,tmp,run,root,out,mnt,var}
    ln -s ../run "$stage/var/run"
    chmod 1777 "$stage/tmp"

    # busybox and a symlink per applet (bin/sh, sbin/modprobe, ...). Our real binaries are
    # copied afterwards and replace any applet of the same path.
    vm_stage_binary "$stage" /bin/busybox /bin/busybox || return 1
    for applet in $(/bin/busybox --list-full); do
        [[ $applet == bin/busybox || $applet == linuxrc ]] && continue
        mkdir -p "$stage/$(dirname "$applet")"
        ln -sf /bin/busybox "$stage/$applet"
    done
    for entry in "${VM_BASE_BINARIES[@]}"; do
        rm -f "$stage${entry#* }"
        vm_stage_binary "$stage" "$(_vm_host_bin "${entry%% *}")" "${entry#* }" || return 1
    done

    # Modules: same relative paths as on the host, decompressed (busybox insmod reads plain .ko
    # only), then depmod -b so modules.dep/alias exist and on-demand loading works in the guest.
    local moddir=/lib/modules/$kver
    : >"$stage/etc/vm/modules.boot"
    local dest
    : >"$stage/etc/vm/modules.boot"
    while read -r kind _ path line; do
        rel=${path#"$moddir"/}
        dest=$stage$moddir/${rel%.ko*}.ko
        mkdir -p "$(dirname "$dest")"
        case $rel in
        *.ko.xz) xz -dc "$path" >"$dest" ;;
        *.ko.zst) zstd -qdc "$path" >"$dest" ;;
        *.ko.gz) gzip -dc "$path" >"$dest" ;;
        *) cp "$path" "$dest" ;;
        esac || return 1
        if [[ $kind == boot ]]; then
            printf '%s %s\n' "${dest#"$stage"}" "$line" >>"$stage/etc/vm/modules.boot"
        fi
    done <<<"$plan"
    for path in modules.builtin modules.builtin.modinfo modules.order; do
        [[ -e $moddir/$path ]] && cp "$moddir/$path" "$stage$moddir/"
    done
    depmod -b "$stage" "$kver" || return 1
    # Debian ships this option (systemd.conf) so loading dummy does not create dummy0.
    printf 'options dummy numdummies=0\n' >"$stage/etc/modprobe.d/vm.conf"
    printf '%s\n' "$kver" >"$stage/etc/vm/kernel"

    # Enough of /etc for tools that look up users, hosts or protocols.
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$stage/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"
    printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' >"$stage/etc/hosts"
    [[ -r /etc/protocols ]] && cp /etc/protocols "$stage/etc/"
    [[ -r /etc/services ]] && cp /etc/services "$stage/etc/"

    # The kernel's built-in initramfs has /dev/console already; add the nodes when we may.
    mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
    mknod -m 666 "$stage/dev/null" c 1 3 2>/dev/null || true

    install -m 755 "$here/guest-init" "$stage/init"
}
