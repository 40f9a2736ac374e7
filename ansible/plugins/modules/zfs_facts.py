#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
#
# Documentation only: zfsansible.zfs.zfs_facts is answered by the collection's multi-call native binary
# (native/zfsansible_<arch>), dispatched per target architecture by plugins/action/zfs_facts.py
# (see module_utils/native_docs.py).

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: zfs_facts
short_description: Gather the host's ZFS pools, datasets, policies, snapshot compliance and replication state
version_added: 0.1.0
author:
  - ZfsAnsible contributors (@zfsansible)
description:
  - Reads the host's imported pools (health, sizes, properties, vdevs) and every filesystem and volume in them
    (sizes, the effective snapshot policy C(zfs_dataset_policy) wrote on it, the snapshot count and newest
    snapshot, compliance per interval of its policy, and on a replica the last replication recorded on it).
  - Sets the fact C(zfs) (C(ansible_facts.zfs)) and returns the same as C(zfs).
  - Two listings for the whole host (the ones C(zfs-api) collects) and one C(zpool status) per pool. Changes
    nothing; check mode runs the same.
extends_documentation_fragment:
  - zfsansible.zfs.native
options:
  pools:
    description:
      - Only these pools and their datasets; each must be imported on the host.
      - Empty (the default) for every imported pool.
    type: list
    elements: str
    default: []
seealso:
  - module: zfsansible.zfs.zfs_pool
  - module: zfsansible.zfs.zfs_dataset_policy
  - module: zfsansible.zfs.zfs_snapshot_prune
'''

EXAMPLES = r'''
- name: Gather the ZFS facts
  zfsansible.zfs.zfs_facts:

- name: Every pool must be healthy
  ansible.builtin.assert:
    that: ansible_facts.zfs.pools | dict2items | rejectattr('value.health', 'eq', 'ONLINE') | list | length == 0

- name: Datasets whose hourly snapshots fall short of their policy
  ansible.builtin.debug:
    msg: "{{ item.key }}: {{ item.value.compliance | selectattr('interval', 'eq', 'hourly') | map(attribute='ratio') | first }}"
  loop: "{{ ansible_facts.zfs.datasets | dict2items | selectattr('value.compliance', 'truthy') | list }}"
  loop_control:
    label: "{{ item.key }}"
  when: item.value.compliance | selectattr('interval', 'eq', 'hourly') | selectattr('ratio', 'lt', 1) | list | length > 0

- name: Only the backup pool
  zfsansible.zfs.zfs_facts:
    pools: [slowpool]
'''

RETURN = r'''
ansible_facts:
  description: The fact C(zfs), the same value as the return value C(zfs).
  returned: success
  type: dict
  sample: {"zfs": {"zfs_implementation": "openzfs 2.3.2", "pools": {}, "datasets": {}}}
zfs:
  description: The facts, also set as C(ansible_facts.zfs).
  returned: success
  type: dict
  contains:
    zfs_implementation:
      description: The ZFS found on the target, for example C(openzfs 2.3.2) or C(zfs-fuse / legacy).
      returned: always
      type: str
      sample: openzfs 2.3.2
    collected_at:
      description: When the listings were read (UTC, ISO 8601).
      returned: always
      type: str
      sample: "2026-12-02T17:30:00Z"
    pools:
      description: The pools, keyed by pool name; each as C(zfsansible.zfs.zfs_pool) returns its C(pool).
      returned: always
      type: dict
      contains:
        name:
          description: Pool name.
          type: str
          sample: slowpool
        state:
          description: C(imported).
          type: str
          sample: imported
        health:
          description: C(ONLINE), C(DEGRADED), C(FAULTED), C(OFFLINE), C(UNAVAIL), C(REMOVED) or C(SUSPENDED).
          type: str
          sample: ONLINE
        size:
          description: Size in bytes.
          type: int
          sample: 1992864825344
        allocated:
          description: Allocated bytes.
          type: int
          sample: 412316860416
        free:
          description: Free bytes.
          type: int
          sample: 1580547964928
        capacity:
          description: Percentage of the pool in use, as zpool rounds it; null where ZFS does not report it.
          type: int
          sample: 20
        fragmentation:
          description: Fragmentation percentage; null where ZFS does not report it (zfs-fuse).
          type: int
          sample: 3
        properties:
          description: Pool properties asked for by name (none here).
          type: dict
          sample: {}
        vdevs:
          description: The top-level vdevs.
          type: list
          elements: dict
          contains:
            class:
              description: C(data), C(log), C(special), C(cache) or C(spare).
              type: str
              sample: data
            type:
              description: C(stripe), C(mirror), C(raidz1), C(raidz2) or C(raidz3).
              type: str
              sample: mirror
            devices:
              description: The devices, as the pool names them.
              type: list
              elements: str
              sample: ["/dev/disk/by-id/ata-A-part1", "/dev/disk/by-id/ata-B-part1"]
            state:
              description: State of the vdev.
              type: str
              sample: ONLINE
      sample:
        slowpool:
          name: slowpool
          state: imported
          health: ONLINE
          size: 1992864825344
          allocated: 412316860416
          free: 1580547964928
          capacity: 20
          fragmentation: 3
          properties: {}
          vdevs: [{class: data, type: mirror, devices: [/dev/disk/by-id/ata-A-part1, /dev/disk/by-id/ata-B-part1], state: ONLINE}]
    datasets:
      description: Every filesystem and volume of those pools, keyed by dataset name.
      returned: always
      type: dict
      contains:
        pool:
          description: The pool it is in.
          type: str
          sample: tank
        used:
          description: Bytes used by the dataset and its descendants.
          type: int
          sample: 1073741824
        available:
          description: Bytes available to it.
          type: int
          sample: 53687091200
        referenced:
          description: Bytes it references.
          type: int
          sample: 1048576
        policy:
          description: Its effective snapshot policy (a replica's label on a backup server), or null when unmanaged.
          type: str
          sample: standard
        replica:
          description: Whether it is a received replica, pruned by its source's policy and never snapshotted here.
          type: bool
          sample: false
        snapshots:
          description: How many snapshots it has (all of them, not only this tool's).
          type: int
          sample: 38
        newest_snapshot:
          description: When its newest snapshot was taken (UTC, ISO 8601); null without snapshots.
          type: str
          sample: "2026-12-02T17:15:00Z"
        compliance:
          description: Per interval of its policy - snapshots retained, the retention target, their ratio capped at 1,
            and the newest snapshot's age in seconds (null when there is none). Empty for an unmanaged dataset.
          type: list
          elements: dict
          contains:
            interval:
              description: C(frequently), C(hourly), C(daily), C(weekly), C(monthly) or C(yearly).
              type: str
              sample: hourly
            retained:
              description: Snapshots of the interval it has.
              type: int
              sample: 24
            target:
              description: Snapshots of the interval its policy keeps.
              type: int
              sample: 24
            ratio:
              description: Retained over target, capped at 1.
              type: float
              sample: 1.0
            newest_age_seconds:
              description: Age of the newest snapshot of the interval, in seconds; null when there is none.
              type: float
              sample: 512.0
        replication:
          description:
            - On a replica, the last replication recorded on it - C(last_success) (UTC, ISO 8601),
              C(last_duration_seconds), C(last_bytes) and C(age_seconds); null elsewhere.
          type: dict
          sample: {"last_success": "2026-12-02T17:00:04Z", "last_duration_seconds": 3.2, "last_bytes": 1048576, "age_seconds": 1800}
      sample:
        tank/documents:
          pool: tank
          used: 1073741824
          available: 53687091200
          referenced: 1073741824
          policy: critical
          replica: false
          snapshots: 98
          newest_snapshot: "2026-12-02T17:15:00Z"
          compliance: [{interval: hourly, retained: 48, target: 48, ratio: 1.0, newest_age_seconds: 512.0}]
          replication: null
    policy_problems:
      description: Datasets of the whole host whose C(zfsansible:) policy properties cannot be read, each with the problem (also warnings).
      returned: always
      type: list
      elements: str
      sample: []
module_build:
  description: The native build that answered, C(linux-x64) or C(linux-arm64).
  returned: always
  type: str
  sample: linux-x64
'''

from ansible_collections.zfsansible.zfs.plugins.module_utils.native_docs import docs_only_main


def main():
    docs_only_main(DOCUMENTATION, 'zfs_facts')


if __name__ == '__main__':
    main()
