#!/usr/bin/env bash
# The ZFS sandbox shared by the tests and the demo: a zfs-fuse daemon and file-backed vdevs.
#   zfs-sandbox.sh start                 start zfs-fuse unless it runs (says plainly why it cannot)
#   zfs-sandbox.sh vdevs DIR N [SIZE]    make N sparse vdev files DIR/vdev1..N (default 128M)
#   zfs-sandbox.sh cleanup DIR [PREFIX]  destroy pools whose vdevs live in DIR (or named PREFIX*), remove DIR
set -euo pipefail

die() { echo "zfs-sandbox: $*" >&2; exit 1; }

start() {
  if ! command -v zfs-fuse >/dev/null 2>&1; then
    if dpkg -s zfsutils-linux >/dev/null 2>&1; then
      die "this machine has OpenZFS (zfsutils-linux), which conflicts with zfs-fuse as a Debian package; the zfs-fuse sandbox cannot run here (remove zfsutils-linux or use a separate machine)"
    fi
    die "zfs-fuse is not installed (run ./build.sh setup)"
  fi
  [ -e /dev/fuse ] || die "/dev/fuse is missing: zfs-fuse needs FUSE (modprobe fuse, or a container with /dev/fuse)"
  if pgrep -x zfs-fuse >/dev/null 2>&1 && zpool status >/dev/null 2>&1; then
    return 0
  fi
  pkill -x zfs-fuse 2>/dev/null || true
  rm -f /run/zfs-fuse.pid /var/run/zfs/zfs_socket 2>/dev/null || true
  mkdir -p /var/lock/zfs /var/run/zfs
  zfs-fuse --pidfile /run/zfs-fuse.pid || die "zfs-fuse did not start"
  for _ in $(seq 1 50); do
    zpool status >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "zfs-fuse started but zpool cannot reach it"
}

vdevs() {
  local dir=$1 count=$2 size=${3:-128M}
  mkdir -p "$dir"
  for i in $(seq 1 "$count"); do
    rm -f "$dir/vdev$i"
    truncate -s "$size" "$dir/vdev$i"
  done
}

cleanup() {
  local dir=$1 prefix=${2:-}
  local pool
  # Pools built on files in DIR, or named with the test's prefix; destroy even when a test left them busy.
  for pool in $(zpool list -H -o name 2>/dev/null); do
    if { [ -n "$prefix" ] && [[ $pool == "$prefix"* ]]; } || zpool status "$pool" 2>/dev/null | grep -qF "$dir/"; then
      timeout 60 zpool destroy -f "$pool" >/dev/null 2>&1 || timeout 60 zpool export -f "$pool" >/dev/null 2>&1 || echo "zfs-sandbox: could not remove pool $pool" >&2
      rmdir "/$pool" 2>/dev/null || true   # the default mountpoint zfs-fuse left behind
    fi
  done
  case "$dir" in
    /tmp/*|*/sandbox/*|*/artifacts/*) rm -rf "$dir" ;;
    *) echo "zfs-sandbox: not removing $dir (outside the sandbox roots)" >&2 ;;
  esac
}

cmd=${1:-}; shift || true
case "$cmd" in
  start) start ;;
  vdevs) [ $# -ge 2 ] || die "usage: vdevs DIR N [SIZE]"; vdevs "$@" ;;
  cleanup) [ $# -ge 1 ] || die "usage: cleanup DIR [PREFIX]"; cleanup "$@" ;;
  *) die "usage: zfs-sandbox.sh start | vdevs DIR N [SIZE] | cleanup DIR [PREFIX]" ;;
esac
