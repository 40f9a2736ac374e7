#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
#
# Documentation only: zfsansible.zfs.zfs_snapshot_prune is a NativeAOT binary module dispatched per
# target architecture by plugins/action/zfs_snapshot_prune.py (see module_utils/native_docs.py).

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: zfs_snapshot_prune
short_description: Take due ZFS snapshots and prune expired ones per each dataset's policy; report compliance
version_added: 0.1.0
author:
  - ZfsAnsible contributors (@zfsansible)
description:
  - Reads each dataset's policy from the C(zfsansible:) user properties that
    M(zfsansible.zfs.zfs_dataset_policy) wrote on it, so the same work runs from Ansible
    (this module) and from a systemd timer on the host (the same binary as a command,
    C(zfs_snapshot_prune run)).
  - A dataset is managed when it carries the properties itself (it is configured, and its
    policy is not C(unmanaged)), or inherits them from a configured ancestor in a
    discovering subtree (C(snapshots_discover_children); for example Docker volumes). Every
    other dataset is never touched.
  - "Takes one snapshot per interval of the policy per calendar period (UTC): a quarter hour
    for C(frequently), then hour, day, ISO week (from Monday), month and year. Snapshot names
    are C(zfsansible_<UTC time>_<interval>), for example C(zfsansible_2026-11-26T08:00:00Z_hourly);
    they sort by time."
  - "Prunes with keep rules: a snapshot is destroyed only when no rule keeps it. The rules keep
    every snapshot whose name this tool did not make, every snapshot with a user hold, every snapshot
    marked as a replication target's base in C(zfsansible:replicated) (what
    M(zfsansible.zfs.zfs_replicate) leaves), and per interval the newest N of the policy's retention."
  - Fails without changing anything when the clock looks wrong (a snapshot of this tool dated
    more than a minute in the future), and when the run would destroy more than I(max_destroy)
    snapshots.
  - The whole plan is made before anything runs; snapshots are taken before any is destroyed.
    On OpenZFS, snapshots of the same name are taken in one atomic C(zfs snapshot), and a
    dataset's expired snapshots go in one C(zfs destroy ds@a,b,c); on zfs-fuse one command each.
  - Reports compliance per dataset and interval - retained snapshots / retention target, capped
    at 1 - and the age of the newest snapshot of the interval.
extends_documentation_fragment:
  - zfsansible.zfs.native
options:
  datasets:
    description:
      - Only these datasets and their descendants. Default - every imported pool.
      - Each must be a valid ZFS dataset name that exists.
    type: list
    elements: str
    default: []
  snapshot:
    description: Take the snapshots that are due.
    type: bool
    default: true
  prune:
    description: Destroy the snapshots no keep rule keeps.
    type: bool
    default: true
  max_destroy:
    description:
      - Refuse the whole run (nothing is taken or destroyed) when it would destroy more snapshots
        than this - a guard against a mistaken policy change. Raise it for one run when a large
        prune is intended. Between 0 and 1000000.
    type: int
    default: 100
  lock_dir:
    description:
      - Directory of the host's snapshot lock (C(snapshot.lock), held with C(flock), and C(snapshot.pid) beside it).
        A run that changes anything holds it from before it reads the snapshots until it is done, so the timer and
        a playbook never plan from the same listing.
    type: path
    default: /run/zfsansible
  lock_timeout:
    description:
      - Seconds to wait for another snapshot run on the host to finish; the run then finds that one's snapshots
        taken and does only what is still due. After this long it fails naming the PID that holds the lock.
        Between 0 and 86400.
    type: int
    default: 300
notes:
  - For a systemd timer, run the same binary as a command - C(zfs_snapshot_prune run)
    (C(--dry-run), C(--dataset), C(--max-destroy), C(--lock-dir), C(--lock-timeout), C(--json));
    C(zfs_snapshot_prune status) prints compliance only. There is no default verb - a mistyped one is a usage
    error (exit 2) that changes nothing.
  - Check mode plans and reports what would be taken and destroyed, and changes nothing.
seealso:
  - module: zfsansible.zfs.zfs_dataset_policy
  - module: zfsansible.zfs.zfs_replicate
'''

EXAMPLES = r'''
- name: Take due snapshots and prune expired ones on every managed dataset
  zfsansible.zfs.zfs_snapshot_prune:
  register: snapshots

- name: Fail when a retention target is missed
  ansible.builtin.assert:
    that: snapshots.compliance | selectattr('ratio', 'lt', 1) | list | length == 0
    fail_msg: "{{ snapshots.compliance | selectattr('ratio', 'lt', 1) | map(attribute='dataset') | unique | join(', ') }} below target"

- name: Only report compliance for one subtree; take and destroy nothing
  zfsansible.zfs.zfs_snapshot_prune:
    datasets: [tank/docker]
    snapshot: false
    prune: false

- name: Allow one large prune after shortening a policy
  zfsansible.zfs.zfs_snapshot_prune:
    max_destroy: 1000
'''

RETURN = r'''
msg:
  description: One line - managed datasets, what was taken and destroyed, retention targets met.
  returned: always
  type: str
  sample: "3 managed datasets: took 3 and destroyed 2 snapshots; 7/9 retention targets met"
taken:
  description: Snapshots taken (would be taken, in check mode).
  returned: success
  type: list
  elements: str
  sample: ["tank/docs@zfsansible_2026-11-26T08:00:00Z_hourly"]
destroyed:
  description: Snapshots destroyed (would be destroyed, in check mode), oldest first per dataset.
  returned: success
  type: list
  elements: str
  sample: ["tank/docs@zfsansible_2026-11-24T08:00:00Z_hourly"]
datasets:
  description: The managed datasets, each with its policy and the configured dataset it was read from.
  returned: success
  type: list
  elements: dict
  sample: [{"name": "tank/docker/vol1", "policy": "standard", "policy_from": "tank/docker"}]
compliance:
  description:
    - One entry per managed dataset and interval of its policy, after the run.
    - C(ratio) is retained / target, capped at 1. C(newest_age_seconds) is null when there is no
      snapshot of the interval.
  returned: success
  type: list
  elements: dict
  sample: [{"dataset": "tank/docs", "policy": "critical", "interval": "hourly", "retained": 48,
            "target": 48, "ratio": 1.0, "newest_age_seconds": 0}]
commands:
  description: The C(zfs) command lines run (to run, in check mode); on failure, those that ran.
  returned: success
  type: list
  elements: str
  sample: ["zfs snapshot tank/a@zfsansible_2026-11-26T08:00:00Z_hourly tank/b@zfsansible_2026-11-26T08:00:00Z_hourly"]
diff:
  description: The own snapshots of each changed dataset, before and after.
  returned: when diff mode is enabled
  type: dict
module_build:
  description: The native build that answered, C(linux-x64) or C(linux-arm64).
  returned: always
  type: str
  sample: linux-x64
zfs_implementation:
  description: The ZFS found on the target, for example C(openzfs 2.3.2) or C(zfs-fuse / legacy).
  returned: success
  type: str
  sample: openzfs 2.3.2
'''

from ansible_collections.zfsansible.zfs.plugins.module_utils.native_docs import docs_only_main


def main():
    docs_only_main(DOCUMENTATION, 'zfs_snapshot_prune')


if __name__ == '__main__':
    main()
