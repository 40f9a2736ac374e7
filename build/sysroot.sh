#!/usr/bin/env bash
# build/sysroot.sh ARCH   (ARCH = amd64 | arm64)
#
# Makes a Debian bullseye sysroot (glibc 2.31) that NativeAOT links against, so the executables run
# on bullseye-era targets (Raspberry Pi OS bullseye) and not only on glibc >= 2.34. Prints its path
# on stdout, and nothing else; progress and errors go to stderr.
#
#   dotnet publish ... -r linux-x64   -p:SysRoot="$(build/sysroot.sh amd64)"
#   dotnet publish ... -r linux-arm64 -p:SysRoot="$(build/sysroot.sh arm64)"
#
# Cached outside the checkout in $ZFSANSIBLE_SYSROOT_CACHE (default /var/cache/zfsansible) as
# sysroot-bullseye-ARCH, with a stamp holding the hash of this script: a second call is instant, and
# editing this script rebuilds the sysroot. Needs root (debootstrap) and the debootstrap package.
#
# How: debootstrap resolves and downloads the packages (signatures checked against the host's
# debian-archive-keyring), with --download-only: its --foreign first stage would unpack only the
# Priority: required set (bash, coreutils, ...), never the --include'd -dev packages a linker needs.
# The few packages the link uses are unpacked with dpkg-deb, every absolute symlink is made relative
# (an absolute one would make the linker read the HOST's glibc), and what a link never reads (headers,
# static libc, docs, binaries, sanitizer runtimes) is removed.
set -euo pipefail

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { printf 'sysroot.sh: %s\n' "$*" >&2; exit 1; }

ARCH=${1:-}
case "$ARCH" in
  amd64) TRIPLE=x86_64-linux-gnu ;;
  arm64) TRIPLE=aarch64-linux-gnu ;;
  *) usage ;;
esac

SUITE=bullseye
MIRROR=${ZFSANSIBLE_SYSROOT_MIRROR:-http://deb.debian.org/debian}
CACHE=${ZFSANSIBLE_SYSROOT_CACHE:-/var/cache/zfsansible}
DEST=$CACHE/sysroot-$SUITE-$ARCH
STAMP=$DEST/.sysroot-stamp
# What a NativeAOT link reads: crt*.o and the libc/libm/libpthread/librt/libdl linker scripts and
# symlinks (libc6-dev), the shared objects behind them (libc6), crtbeginS.o and libgcc (libgcc-10-dev,
# libgcc-s1). zlib and brotli are not needed: the NativeAOT runtime pack ships libz.a and libbrotli*.a.
PACKAGES=(libc6 libc6-dev libgcc-s1 libgcc-10-dev)
RECIPE="$(sha256sum <"${BASH_SOURCE[0]}" | cut -d' ' -f1) $SUITE $ARCH $MIRROR"

up_to_date() { [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$RECIPE" ]; }

if up_to_date; then
  printf '%s\n' "$DEST"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "creating $DEST needs root (debootstrap, $CACHE)"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install -y debootstrap"
command -v dpkg-deb >/dev/null || die "dpkg-deb is missing"

mkdir -p "$CACHE"
# Two builds at once (CI and a developer, or two shells) must not make the same sysroot twice.
exec 9>"$CACHE/.sysroot-$SUITE-$ARCH.lock"
flock 9
if up_to_date; then
  printf '%s\n' "$DEST"
  exit 0
fi

WORK=$(mktemp -d "$CACHE/.sysroot-$SUITE-$ARCH.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
printf 'sysroot.sh: creating %s (debootstrap %s %s from %s)\n' "$DEST" "$SUITE" "$ARCH" "$MIRROR" >&2

include=$(IFS=,; printf '%s' "${PACKAGES[*]}")
if ! debootstrap --variant=minbase --download-only --arch="$ARCH" --include="$include" \
    "$SUITE" "$WORK/download" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
  tail -n 30 "$WORK/debootstrap.log" >&2
  die "debootstrap failed (log above)"
fi

ROOT=$WORK/root
mkdir -p "$ROOT"
: >"$WORK/packages"
for p in "${PACKAGES[@]}"; do
  debs=("$WORK/download/var/cache/apt/archives/${p}_"*.deb)
  if [ "${#debs[@]}" -ne 1 ] || [ ! -f "${debs[0]}" ]; then
    die "debootstrap did not download exactly one $p package"
  fi
  dpkg-deb -x "${debs[0]}" "$ROOT"
  dpkg-deb -f "${debs[0]}" Package Version Architecture | tr '\n' ' ' >>"$WORK/packages"
  echo >>"$WORK/packages"
done

# Keep only the library directories; then drop what a dynamic NativeAOT link never reads.
find "$ROOT" -mindepth 1 -maxdepth 1 ! -name lib ! -name lib64 ! -name usr -exec rm -rf {} +
find "$ROOT/usr" -mindepth 1 -maxdepth 1 ! -name lib -exec rm -rf {} +
rm -rf "$ROOT/usr/lib/$TRIPLE/gconv" "$ROOT/usr/lib/$TRIPLE/audit" "$ROOT/usr/lib/gcc/$TRIPLE/10/include"
# Static archives: keep libc_nonshared.a and friends (named by the libc.so/libpthread.so scripts).
find "$ROOT/usr/lib/$TRIPLE" -maxdepth 1 -name '*.a' ! -name '*_nonshared.a' -delete
find "$ROOT/usr/lib/gcc/$TRIPLE/10" -maxdepth 1 \( -name '*san*' -o -name 'libgomp*' -o -name 'libitm*' \
  -o -name 'libquadmath*' -o -name 'libbacktrace.a' -o -name 'libgcov.a' -o -name 'libatomic*' \
  -o -name 'crtfastmath.o' -o -name 'crtoffload*' -o -name 'crtprec*' \) -delete

# Absolute symlinks (usr/lib/TRIPLE/libm.so -> /lib/TRIPLE/libm.so.6, ...) would resolve on the host.
while IFS= read -r -d '' link; do
  target=$(readlink "$link")
  case "$target" in
    /*) ln -sfn "$(realpath -s -m --relative-to="$(dirname "$link")" "$ROOT$target")" "$link" ;;
  esac
done < <(find "$ROOT" -type l -print0)
# Links to what was removed or never unpacked (libasan.so -> libasan.so.6, ...).
find "$ROOT" -xtype l -delete
find "$ROOT" -type d -empty -delete

# What the NativeAOT link (clang -pie ... -pthread -ldl -lrt -lm) opens; -e follows the links.
for f in usr/lib/$TRIPLE/{Scrt1.o,crti.o,crtn.o,libc.so,libc_nonshared.a,libpthread.so,libdl.so,librt.so,libm.so} \
    usr/lib/gcc/$TRIPLE/10/{crtbeginS.o,crtendS.o,libgcc.a,libgcc_s.so}; do
  [ -e "$ROOT/$f" ] || die "the sysroot misses $f, which a link needs"
done
if [ -n "$(find "$ROOT" -type l -lname '/*' -print -quit)" ]; then
  die "an absolute symlink is left in the sysroot"
fi

mv "$WORK/packages" "$ROOT/.sysroot-packages"
printf '%s\n' "$RECIPE" >"$ROOT/.sysroot-stamp"
rm -rf "$DEST"
mv "$ROOT" "$DEST"
printf 'sysroot.sh: %s ready (%s)\n' "$DEST" "$(du -sh "$DEST" | cut -f1)" >&2
printf '%s\n' "$DEST"
