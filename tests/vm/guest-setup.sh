#!/bin/sh
# Runs INSIDE the guest root (chroot): kernel, OpenZFS userland from bookworm-backports, sanoid, sshd, networking.
set -e
MIRROR="$1"; export DEBIAN_FRONTEND=noninteractive
rm -f /etc/apt/sources.list
cat > /etc/apt/sources.list.d/debian.sources <<S
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates bookworm-backports
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
S
# No service may start inside the chroot.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
apt-get update -q
# The guest's kernel is whatever linux-image-amd64 is today; its ABI name keys the DKMS build and the cache.
apt-get install -y -q --no-install-recommends linux-image-amd64
KVER=$(dpkg-query -W -f='${Depends}' linux-image-amd64 | grep -oE 'linux-image-[0-9][^ ,]*' | head -n1 | sed 's/^linux-image-//')
echo "$KVER" > /root/kver
apt-get install -y -q --no-install-recommends -t bookworm-backports zfsutils-linux
# sanoid: the comparison for the snapshot benchmarks (it needs OpenZFS's CLI, zfs-fuse's is too old).
apt-get install -y -q --no-install-recommends sanoid
apt-get clean
rm -f /usr/sbin/policy-rc.d
echo vmzfs > /etc/hostname
printf '127.0.0.1 localhost\n127.0.1.1 vmzfs\n' > /etc/hosts
echo '/dev/vda / ext4 rw,noatime,errors=remount-ro 0 1' > /etc/fstab
passwd -d root
mkdir -p /etc/systemd/network
printf '[Match]\nName=en* eth*\n[Network]\nAddress=10.0.2.15/24\nGateway=10.0.2.2\n' > /etc/systemd/network/20-user.network
systemctl enable systemd-networkd ssh
systemctl mask systemd-networkd-wait-online.service
# Tests create pools themselves; nothing imports, mounts or snapshots at boot, no periodic jobs.
for unit in zfs-import-cache.service zfs-import-scan.service zfs-mount.service zfs-share.service zfs-zed.service \
            zfs-volume-wait.service sanoid.timer apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer; do
  systemctl disable "$unit" 2>/dev/null || true
done
echo "guest setup ok"
