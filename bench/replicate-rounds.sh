#!/bin/sh
# zfs_replicate against the bare pipe on the same snapshot, in rounds: in the OpenZFS guest (bench/run.sh sends it over
# ssh, section replicate-guest) and on the zfs-fuse sandbox (section replicate, where every property is its own
# "zfs set").
#   replicate-rounds.sh BINARY MB RUNS [VDEV...]
# The pool: on the VDEV files given (made by the caller), else on the guest's three virtio disks. ssh: as REP_SSH_USER
# on 127.0.0.1 port REP_SSH_PORT with the key REP_SSH_KEY when given (the bench's private sshd), else root on port 22
# with a key of its own, authorized for the run.
# MB of incompressible data in benchrep/src@s1, received as a full stream into the same pool: locally, and through
# ssh. Each run receives from nothing (targets destroyed, holds released, marks cleared before it, not timed), so ours
# holds and marks as a first run does; the four transfers take turns in every round, so a slow minute of the host hits
# them alike. Prints "local <ours_ms> <bare_ms>" and "ssh <ours_ms> <bare_ms>" (medians of RUNS). Then the fixed cost
# of a run, apart from its stream: the same local transfers of a 1 MB snapshot, 8 rounds: "fixed <ours_ms> <bare_ms>".
set -eu
usage() { echo "usage: replicate-rounds.sh BINARY MB RUNS [VDEV...] ($1)" >&2; exit 2; }
[ $# -ge 3 ] || usage "three arguments at least"
BIN=$1 MB=$2 RUNS=$3
[ -x "$BIN" ] || usage "$BIN is not an executable"
for number in "$MB" "$RUNS"; do
  case $number in '' | *[!0-9]* | 0*) usage "MB and RUNS are whole numbers above 0, not '$number'" ;; esac
done
shift 3
POOL=benchrep
DISKS=${*:-/dev/disk/by-id/virtio-zfsdisk1 /dev/disk/by-id/virtio-zfsdisk2 /dev/disk/by-id/virtio-zfsdisk3}
KEY=${REP_SSH_KEY:-/tmp/benchrep-key}
SSH_USER=${REP_SSH_USER:-root} SSH_PORT=${REP_SSH_PORT:-22}
SSH="ssh -i $KEY -p $SSH_PORT -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR $SSH_USER@127.0.0.1"

zpool destroy "$POOL" 2>/dev/null || true
# shellcheck disable=SC2086 # the disks are separate words
zpool create -f -m none "$POOL" $DISKS
zfs create -o compression=off -o mountpoint="/tmp/$POOL-src" "$POOL/src"
head -c "$((MB * 1024 * 1024))" /dev/urandom >"/tmp/$POOL-src/data"
zfs snapshot "$POOL/src@s1"
SRC=$POOL/src
if [ -z "${REP_SSH_KEY:-}" ]; then
  rm -f "$KEY" "$KEY.pub" && ssh-keygen -q -t ed25519 -N '' -f "$KEY"
  mkdir -p /root/.ssh && cat "$KEY.pub" >>/root/.ssh/authorized_keys
fi

TAGS=
prepare() {
  zfs destroy -r "$POOL/bare" 2>/dev/null || true
  zfs destroy -r "$POOL/ours" 2>/dev/null || true
  zfs create "$POOL/ours"
  # By the tags ours printed (zfs-fuse cannot list holds): each target's tag is the same for every snapshot.
  for tag in $TAGS; do zfs release "$tag" "$SRC@s1" 2>/dev/null || true; done
  zfs inherit zfsansible:replicated "$SRC@s1"
  # The destroyed targets' blocks are freed in the background on OpenZFS, and a transfer that overlaps that freeing
  # is slowed, whichever it is: wait for it, so each transfer starts from the same quiet pool (zfs-fuse frees at once).
  sync
  zpool wait -t free "$POOL" 2>/dev/null || true
}
ms() { echo $(($(date +%s%N) / 1000000)); }
timed() {  # $1 name; the rest: the command; appends "<name> <ms>" to the results
  name=$1; shift
  prepare
  start=$(ms)
  "$@" >/dev/null 2>/tmp/benchrep.err || { echo "error $name: $(tail -n 2 /tmp/benchrep.err | tr '\n' ' ')"; exit 1; }
  echo "$name $(($(ms) - start))" >>/tmp/benchrep.times
  [ "$(zfs list -H -o name -t snapshot -r "$POOL" | grep -c -e "^$POOL/ours/.*@s1\$" -e "^$POOL/bare@s1\$")" -eq 1 ] || { echo "error $name: nothing received"; exit 1; }
}
ours_local() { "$BIN" run --target-root "$POOL/ours" --dataset "$SRC" --lock-dir /tmp "$@"; }
bare_local() { zfs send "$SRC@s1" | zfs recv "$POOL/bare"; }
ours_ssh() {
  "$BIN" run --target-root "$POOL/ours" --dataset "$SRC" --lock-dir /tmp --remote-host 127.0.0.1 --remote-user "$SSH_USER" \
    --remote-port "$SSH_PORT" --ssh-key "$KEY" --ssh-option StrictHostKeyChecking=no --ssh-option UserKnownHostsFile=/dev/null \
    --ssh-option LogLevel=ERROR "$@"
}
bare_ssh() { $SSH "$(command -v zfs) send $SRC@s1" | zfs recv "$POOL/bare"; }
# The tag of the hold a first run of ours (given as $@) takes, from its report.
hold_tag() {
  prepare
  tag=$("$@" --json 2>/tmp/benchrep.err | sed -n 's/.*zfs hold \(zfsansible-replica-[0-9a-f]*\) .*/\1/p')
  [ -n "$tag" ] || { echo "error $1: no hold in its report: $(tail -n 2 /tmp/benchrep.err | tr '\n' ' ')"; exit 1; }
  echo "$tag"
}

rm -f /tmp/benchrep.times
# One untimed round of ours first, each way: the first transfer after the data was written runs slower for everyone,
# and ours tells the hold tags it uses.
TAGS=$(hold_tag ours_local) || { echo "$TAGS"; exit 1; }
ssh_tag=$(hold_tag ours_ssh) || { echo "$ssh_tag"; exit 1; }
TAGS="$TAGS $ssh_tag"
i=1
while [ "$i" -le "$RUNS" ]; do
  timed ours-local ours_local
  timed bare-local bare_local
  timed ours-ssh ours_ssh
  timed bare-ssh bare_ssh
  i=$((i + 1))
done
median() { awk -v n="$1" '$1 == n { print $2 }' /tmp/benchrep.times | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "local $(median ours-local) $(median bare-local)"
echo "ssh $(median ours-ssh) $(median bare-ssh)"

zfs create -o compression=off -o mountpoint="/tmp/$POOL-small" "$POOL/small"
head -c 1048576 /dev/urandom >"/tmp/$POOL-small/data"
zfs snapshot "$POOL/small@s1"
SRC=$POOL/small
for i in 1 2 3 4 5 6 7 8; do
  timed fixed-ours ours_local
  timed fixed-bare bare_local
done
echo "fixed $(median fixed-ours) $(median fixed-bare)"
zpool destroy "$POOL"
