#!/usr/bin/env bash
# Real OpenZFS 2.x for the tests: a Debian 12 QEMU guest with the ZFS kernel module, reached over SSH.
# The host kernel loads no modules and has no hardware virtualisation, so the guest runs under TCG.
#
#   openzfs-guest.sh image     build the guest image unless a cached one exists (~6 min from nothing)
#   openzfs-guest.sh boot      boot it: read-only root (fresh every boot), 3 blank data disks, ssh on 127.0.0.1
#   openzfs-guest.sh stop      power it off (kill after 30 s); safe to call when nothing runs
#   openzfs-guest.sh ssh CMD   run a command in the booted guest
#   openzfs-guest.sh env       print shell assignments for tests: GUEST_SSH_PORT, GUEST_KEY, GUEST_INVENTORY, GUEST_DISKS
#
# Cache: $ZFSANSIBLE_GUEST_CACHE (default /var/cache/zfsansible/openzfs-guest)/<kernel>-zfs<version>/, holding
# vmlinuz, initrd.img, root.img and the ssh key made for that image. Runtime state (disks, pid, console log)
# lives in $ZFSANSIBLE_GUEST_RUN (default /tmp/zfsansible-guest). Never installs zfs-dkms or zfsutils-linux on
# the host: they conflict with zfs-fuse; the module is built inside the guest's root with chroot.
set -euo pipefail

CACHE=${ZFSANSIBLE_GUEST_CACHE:-/var/cache/zfsansible/openzfs-guest}
RUN=${ZFSANSIBLE_GUEST_RUN:-/tmp/zfsansible-guest}
SSH_PORT=${ZFSANSIBLE_GUEST_SSH_PORT:-2222}
MEM=${ZFSANSIBLE_GUEST_MEM:-2048}
SMP=${ZFSANSIBLE_GUEST_SMP:-2}
MIRROR=${ZFSANSIBLE_GUEST_MIRROR:-http://deb.debian.org/debian}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export DEBIAN_FRONTEND=noninteractive

log() { echo "[openzfs-guest $(date +%T)] $*" >&2; }
die() { echo "openzfs-guest: $*" >&2; exit 1; }

# The newest complete image, whatever kernel and ZFS it was built with (both are in its name).
cached_image() {
  local dir
  for dir in $(ls -1dt "$CACHE"/*-zfs* 2>/dev/null); do
    [ -f "$dir/.complete" ] && { echo "$dir"; return 0; }
  done
  return 1
}

host_packages() {
  local missing=() p
  for p in qemu-system-x86 qemu-utils debootstrap e2fsprogs openssh-client; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing host packages: ${missing[*]}"
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

in_chroot() {  # run a script inside the root with /proc mounted; always unmounts
  local root=$1 script=$2; shift 2
  cp "$script" "$root/root/$(basename "$script")"
  mount -t proc proc "$root/proc"
  local rc=0
  chroot "$root" /bin/sh "/root/$(basename "$script")" "$@" || rc=$?
  umount "$root/proc"
  rm -f "$root/root/$(basename "$script")"
  return $rc
}

image() {
  host_packages
  local dir
  if dir=$(cached_image); then
    log "cached image: $dir"
    return 0
  fi

  mkdir -p "$CACHE"
  local work
  work=$(mktemp -d "$CACHE/.build-XXXXXX")
  trap 'mountpoint -q "$work/rootfs/proc" && umount "$work/rootfs/proc"; rm -rf "$work"' EXIT
  log "debootstrap bookworm"
  debootstrap --variant=minbase \
    --include=systemd-sysv,udev,kmod,openssh-server,python3,iproute2,initramfs-tools,ca-certificates,util-linux \
    bookworm "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  log "kernel, zfsutils-linux (bookworm-backports), sanoid, sshd setup"
  in_chroot "$work/rootfs" "$SCRIPT_DIR/guest-setup.sh" "$MIRROR" >"$work/setup.log" 2>&1 \
    || { tail -n 30 "$work/setup.log" >&2; die "guest setup failed"; }
  local kver
  kver=$(cat "$work/rootfs/root/kver")
  log "building zfs.ko with DKMS inside the guest root (~4 min)"
  in_chroot "$work/rootfs" "$SCRIPT_DIR/guest-dkms.sh" "$kver" >"$work/dkms.log" 2>&1 \
    || { tail -n 30 "$work/dkms.log" >&2; die "DKMS build of zfs.ko failed"; }
  local zver
  zver=$(chroot "$work/rootfs" dpkg-query -W -f='${Version}' zfsutils-linux | sed 's/-.*//')

  mkdir -p "$work/ssh"
  ssh-keygen -q -t ed25519 -N '' -C "zfsansible-guest" -f "$work/ssh/id_ed25519"
  install -d -m700 "$work/rootfs/root/.ssh"
  install -m600 "$work/ssh/id_ed25519.pub" "$work/rootfs/root/.ssh/authorized_keys"

  cp "$work/rootfs/boot/vmlinuz-$kver" "$work/vmlinuz"
  cp "$work/rootfs/boot/initrd.img-$kver" "$work/initrd.img"
  truncate -s 3G "$work/root.img"
  mkfs.ext4 -q -L root -d "$work/rootfs" "$work/root.img"
  rm -rf "$work/rootfs"
  echo "$zver" >"$work/zfs-version"
  touch "$work/.complete"
  local final="$CACHE/$kver-zfs$zver"
  rm -rf "$final"
  mv "$work" "$final"
  trap - EXIT
  log "image ready: $final (OpenZFS $zver)"
}

ssh_cmd() {
  local dir=$1; shift
  ssh -i "$dir/ssh/id_ed25519" -p "$SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o LogLevel=ERROR -o ConnectTimeout=5 -o BatchMode=yes root@127.0.0.1 "$@"
}

current_image() {
  [ -f "$RUN/image" ] && cat "$RUN/image" || die "no guest booted (run: openzfs-guest.sh boot)"
}

boot() {
  if [ -f "$RUN/qemu.pid" ] && kill -0 "$(cat "$RUN/qemu.pid")" 2>/dev/null; then
    log "already running"
    return 0
  fi
  image
  local dir accel="-accel tcg,thread=multi -cpu max"
  dir=$(cached_image) || die "no image"
  if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then accel="-enable-kvm -cpu host"; fi
  rm -rf "$RUN"; mkdir -p "$RUN"
  echo "$dir" >"$RUN/image"
  local d
  for d in 1 2 3; do truncate -s 512M "$RUN/disk$d.raw"; done
  # The root image is opened snapshot=on: every boot starts from the pristine image, nothing is written back.
  # user-mode networking with restrict=on: the guest reaches nothing; only ssh is forwarded, on 127.0.0.1.
  # shellcheck disable=SC2086
  qemu-system-x86_64 $accel -smp "$SMP" -m "$MEM" -display none -no-reboot \
    -kernel "$dir/vmlinuz" -initrd "$dir/initrd.img" \
    -append 'root=LABEL=root rw console=ttyS0 quiet loglevel=3 systemd.show_status=0 mitigations=off' \
    -drive "file=$dir/root.img,if=virtio,format=raw,snapshot=on,cache=unsafe" \
    -drive "file=$RUN/disk1.raw,if=none,id=d1,format=raw,cache=unsafe" -device "virtio-blk-pci,drive=d1,serial=zfsdisk1" \
    -drive "file=$RUN/disk2.raw,if=none,id=d2,format=raw,cache=unsafe" -device "virtio-blk-pci,drive=d2,serial=zfsdisk2" \
    -drive "file=$RUN/disk3.raw,if=none,id=d3,format=raw,cache=unsafe" -device "virtio-blk-pci,drive=d3,serial=zfsdisk3" \
    -netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$SSH_PORT-:22" -device virtio-net-pci,netdev=n0 \
    -serial "file:$RUN/console.log" -daemonize -pidfile "$RUN/qemu.pid"
  local start=$SECONDS
  until ssh_cmd "$dir" true 2>/dev/null; do
    [ $((SECONDS - start)) -lt 300 ] || { stop; die "the guest did not answer ssh within 300 s (console: $RUN/console.log)"; }
    grep -q 'Dropping to a shell' "$RUN/console.log" 2>/dev/null && { stop; die "the guest kernel found no root filesystem (console: $RUN/console.log)"; }
    sleep 2
  done
  ssh_cmd "$dir" 'modprobe zfs' || { stop; die "modprobe zfs failed in the guest"; }
  log "booted in $((SECONDS - start)) s: $(ssh_cmd "$dir" 'zfs version | head -n1')"
}

stop() {
  [ -f "$RUN/qemu.pid" ] || return 0
  local pid
  pid=$(cat "$RUN/qemu.pid")
  if kill -0 "$pid" 2>/dev/null; then
    [ -f "$RUN/image" ] && ssh_cmd "$(cat "$RUN/image")" 'systemctl poweroff' >/dev/null 2>&1 || true
    local i
    for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/qemu.pid"
}

print_env() {
  local dir
  dir=$(current_image)
  cat >"$RUN/inventory.ini" <<EOF
[openzfs_guest]
vmzfs ansible_host=127.0.0.1 ansible_port=$SSH_PORT ansible_user=root ansible_ssh_private_key_file=$dir/ssh/id_ed25519 ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' ansible_python_interpreter=/usr/bin/python3
EOF
  echo "GUEST_SSH_PORT=$SSH_PORT"
  echo "GUEST_KEY=$dir/ssh/id_ed25519"
  echo "GUEST_INVENTORY=$RUN/inventory.ini"
  echo "GUEST_DISKS=/dev/disk/by-id/virtio-zfsdisk1,/dev/disk/by-id/virtio-zfsdisk2,/dev/disk/by-id/virtio-zfsdisk3"
  echo "GUEST_ZFS_VERSION=$(cat "$dir/zfs-version")"
}

cmd=${1:-}; shift || true
case "$cmd" in
  image) image ;;
  boot) boot ;;
  stop) stop ;;
  ssh) ssh_cmd "$(current_image)" "$@" ;;
  env) print_env ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
