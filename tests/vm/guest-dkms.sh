#!/bin/sh
# Runs INSIDE the guest root (chroot): DKMS-build zfs.ko/spl.ko for the guest kernel, keep the modules, drop the toolchain.
set -e
KVER="$1"; export DEBIAN_FRONTEND=noninteractive
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
apt-get install -y -q --no-install-recommends "linux-headers-$KVER"
apt-get install -y -q --no-install-recommends -t bookworm-backports zfs-dkms
ZV=$(dpkg-query -W -f='${Version}' zfs-dkms | sed 's/-.*//')
dkms status "zfs/$ZV" -k "$KVER" | grep -q installed || { dkms build "zfs/$ZV" -k "$KVER"; dkms install "zfs/$ZV" -k "$KVER"; }
mkdir -p "/lib/modules/$KVER/extra"
cp /lib/modules/"$KVER"/updates/dkms/*.ko* "/lib/modules/$KVER/extra/"
apt-get purge -y -q zfs-dkms dkms "linux-headers-$KVER"
apt-get autoremove --purge -y -q
apt-get clean
rm -f /usr/sbin/policy-rc.d
depmod -a "$KVER"
modinfo -k "$KVER" zfs | grep -E '^(filename|version|vermagic)'
