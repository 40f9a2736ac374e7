#!/bin/sh
# Runs inside the OpenZFS guest (bench/run.sh sends it over ssh): zfs_snapshot_prune vs sanoid on the same
# datasets, the same retention and the same faked history, timed in the same boot.
#   sanoid-guest.sh BINARY DATASETS HOURS DAYS NOOP_RUNS
# Each tool has its own tree (POOL/ours, POOL/theirs) with the same history, so neither one's runs change the
# other's datasets (a change since our last listing rightly makes ours list again).
# Prints "listing <ms>" (one listing of every snapshot's name and creation in our tree: the least any pruner reads),
# "work <ours_ms> <theirs_ms>" (the first run: takes what is due, prunes), "settle <ours_ms> <theirs_ms>" (the second
# run: ours lists again what it changed, sanoid prunes what its first run took), "noop <ours_ms> <theirs_ms>" (medians
# of the runs after those) and "kept <ours> <theirs>".
set -eu
BIN=$1 DATASETS=$2 HOURS=$3 DAYS=$4 NOOP_RUNS=$5
POOL=benchsnap
DISK=/dev/disk/by-id/virtio-zfsdisk1
CONF=/tmp/sanoid-bench

zpool destroy "$POOL" 2>/dev/null || true
zpool create -f -m "/tmp/$POOL" "$POOL" "$DISK"
# The same policy twice: ours as the properties zfs_dataset_policy writes, sanoid's as a template.
zfs create -o zfsansible:policy=bench -o zfsansible:retention=hourly=24,daily=7 -o zfsansible:discover_children=on "$POOL/ours"
zfs create "$POOL/theirs"
i=1
while [ "$i" -le "$DATASETS" ]; do zfs create "$POOL/ours/d$i"; zfs create "$POOL/theirs/d$i"; i=$((i + 1)); done
rm -rf "$CONF" && mkdir -p "$CONF/cache" "$CONF/run"
cp /usr/share/sanoid/sanoid.defaults.conf "$CONF/"
cat >"$CONF/sanoid.conf" <<CONF
[$POOL/theirs]
  use_template = bench
  recursive = yes
[template_bench]
  frequently = 0
  hourly = 24
  daily = 7
  weekly = 0
  monthly = 0
  yearly = 0
  autosnap = yes
  autoprune = yes
  # Period boundaries as ours: the full hour, midnight UTC.
  hourly_min = 0
  daily_hour = 0
  daily_min = 0
CONF

# History: sanoid judges age by creation time, so the clock is set back for each snapshot (both tools' names).
real=$(date +%s)
snap_at() {  # $1 epoch, $2 interval
  date -s "@$1" >/dev/null
  zfs snapshot -r "$POOL/theirs@autosnap_$(date -u +%Y-%m-%d_%H:%M:%S)_$2"
  zfs snapshot -r "$POOL/ours@zfsansible_$(date -u +%Y-%m-%dT%H:%M:%SZ)_$2"
}
d=$DAYS
while [ "$d" -ge 1 ]; do snap_at $((real - real % 86400 - d * 86400 + 60)) daily; d=$((d - 1)); done
h=$HOURS
while [ "$h" -ge 1 ]; do snap_at $((real - real % 3600 - h * 3600 + 120)) hourly; h=$((h - 1)); done
date -s "@$((real + 5))" >/dev/null   # back to the real time (plus the few seconds the history took, near enough)

ms() { echo $(( $(date +%s%N) / 1000000 )); }
ours() { "$BIN" run --dataset "$POOL/ours" --max-destroy 100000 >/dev/null 2>&1; }
theirs() { sanoid --configdir="$CONF" --cache-dir="$CONF/cache" --run-dir="$CONF/run" --cron --quiet; }
timed() { t0=$(ms); "$@"; echo $(( $(ms) - t0 )); }

echo "listing $(timed sh -c "zfs list -H -p -t snapshot -o name,creation -r $POOL/ours >/dev/null")"
work_ours=$(timed ours)
work_theirs=$(timed theirs)
echo "work $work_ours $work_theirs"
settle_ours=$(timed ours)
settle_theirs=$(timed theirs)
echo "settle $settle_ours $settle_theirs"

noop_ours= noop_theirs=
i=0
while [ "$i" -lt "$NOOP_RUNS" ]; do
  noop_ours="$noop_ours $(timed ours)"
  noop_theirs="$noop_theirs $(timed theirs)"
  i=$((i + 1))
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# shellcheck disable=SC2086
echo "noop $(median $noop_ours) $(median $noop_theirs)"
echo "kept $(zfs list -H -t snapshot -o name -r "$POOL/ours" | wc -l) $(zfs list -H -t snapshot -o name -r "$POOL/theirs" | wc -l)"
zpool destroy "$POOL"
