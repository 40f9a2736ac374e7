#!/usr/bin/env python3
"""The snapshot timer's planning at a host's scale, against a fake `zfs` that answers instantly from files.

    prune-scale.py DIR MANAGED_DATASETS UNMANAGED_DATASETS SNAPSHOTS_PER_DATASET

writes into DIR:
  bin/zfs, bin/zpool  fakes: `zfs version` says OpenZFS 2.3.2 unless DIR/legacy exists (then the zfs-fuse CLI);
                      every listing is cat'ed from a file; any other command fails loudly (exit 97)
  datasets            `zfs get -t filesystem,volume` of the zfsansible: properties (the OpenZFS path)
  snap/<dataset>      `zfs list -t snapshot -d 1 -o name,createtxg` rows of one dataset (the OpenZFS path; the holds
                      and marks of the snapshots it would destroy are made up on the fly: none)
  legacy-get          `zfs get -r` of the policy and snapshot properties of everything (the one-pass path)

Datasets tank/m0001.. carry an hourly=24,daily=7 policy, tank/u0001.. none (a backup server's unmanaged replicas).
Every dataset has SNAPSHOTS_PER_DATASET hourly snapshots of this tool's, the newest this hour, so nothing is due
and the run plans only what expires.
"""

import os
import shlex
import stat
import sys
import time

MANAGED_PROPERTIES = ['zfsansible:policy', 'zfsansible:policy_source', 'zfsansible:retention', 'zfsansible:replicate',
                      'zfsansible:discover_children', 'zfsansible:replica_policy', 'zfsansible:replica_retention']

FAKE_ZFS = r'''#!/bin/bash
# Fake zfs of bench/prune-scale.py: listings from files, nothing else. It dispatches on its first words only: matching
# a pattern against "$*" (up to 256 KB of snapshot names) cost bash ~25 ms per call, charged to our time.
d=%(dir)s
case "$1 $2 $3 $4 $5 $6 " in
  "program -n -j tank /dev/stdin "*)
    # Creation and holds of the snapshots a draft plan would destroy (the read-only channel program), keyed by their
    # position among the arguments: none held, none marked.
    shift 5
    exec awk 'BEGIN { printf "{\"return\":{"; for (i = 1; i < ARGC; i++) printf "%s\"%d\":{\"1\":0,\"2\":0}", (i > 1 ? "," : ""), i; print "}}"; exit }' "$@" ;;
  "list "*)
    case " $* " in *" -t snapshot -d 1 "*) ;; *) echo "fake zfs: unexpected command: zfs $*" >&2; exit 97 ;; esac
    files=()
    for a in "$@"; do case $a in tank/*) files+=("$d/snap/${a//\//%}") ;; esac; done
    exec cat "${files[@]}" ;;
  "version "*) [ -e "$d/legacy" ] && { echo "unrecognized command 'version'" >&2; exit 2; }; echo zfs-2.3.2-1; echo zfs-kmod-2.3.2-1 ;;
  "get -H -p -r -o name,property,value,source "*) exec cat "$d/legacy-get" ;;
  "get "*)
    case " $* " in *" -t filesystem,volume "*) exec cat "$d/datasets" ;; esac
    echo "fake zfs: unexpected command: zfs $*" >&2; exit 97 ;;
  *) echo "fake zfs: unexpected command: zfs $*" >&2; exit 97 ;;
esac
'''

FAKE_ZPOOL = r'''#!/bin/bash
d=$(dirname "$(dirname "$(readlink -f "$0")")")
case "$*" in
  "list -H -o name") echo tank ;;
  "list -H -p -o name") [ -e "$d/legacy" ] && exit 2; echo tank ;;
  *) echo "fake zpool: unexpected command: zpool $*" >&2; exit 97 ;;
esac
'''


def main():
    out, managed, unmanaged, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(os.path.join(out, 'bin'), exist_ok=True)
    os.makedirs(os.path.join(out, 'snap'), exist_ok=True)
    for name, text in (('zfs', FAKE_ZFS), ('zpool', FAKE_ZPOOL)):
        path = os.path.join(out, 'bin', name)
        with open(path, 'w') as f:
            # The fake's own start-up is counted in our time: no subshell to find its directory.
            f.write(text.replace('%(dir)s', shlex.quote(os.path.abspath(out))) if name == 'zfs' else text)
        os.chmod(path, stat.S_IRWXU)

    hour = int(time.time()) // 3600 * 3600
    names = ['tank/m%04d' % i for i in range(1, managed + 1)] + ['tank/u%04d' % i for i in range(1, unmanaged + 1)]
    with open(os.path.join(out, 'datasets'), 'w') as datasets, open(os.path.join(out, 'legacy-get'), 'w') as legacy:
        for row in dataset_rows('tank', False):
            datasets.write(row)
            legacy.write(row)
        txg = 100
        for name in names:
            rows = dataset_rows(name, name.startswith('tank/m'))
            datasets.writelines(rows)
            legacy.writelines(rows)
            with open(os.path.join(out, 'snap', name.replace('/', '%')), 'w') as snap:
                for age in range(per - 1, -1, -1):
                    txg += 1
                    created = hour - age * 3600
                    full = '%s@zfsansible_%s_hourly' % (name, time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(created)))
                    snap.write('%s\t%d\n' % (full, txg))
                    legacy.write('%s\tcreatetxg\t%d\t-\n%s\tcreation\t%d\t-\n%s\tuserrefs\t0\t-\n%s\tzfsansible:replicated\t-\t-\n'
                                 % (full, txg, full, created, full, full))
                    # What zfs get -r prints for a snapshot: the dataset's policy properties again, on every row.
                    for prop in MANAGED_PROPERTIES:
                        legacy.write('%s\t%s\t-\t-\n' % (full, prop))


def dataset_rows(name, managed):
    values = {'zfsansible:policy': 'standard', 'zfsansible:retention': 'hourly=24,daily=7'} if managed else {}
    rows = ['%s\t%s\t%s\t%s\n' % (name, prop, values.get(prop, '-'), 'local' if prop in values else '-')
            for prop in MANAGED_PROPERTIES]
    rows.append('%s\tzfsansible:replicated\t-\t-\n' % name)
    return rows


if __name__ == '__main__':
    main()
