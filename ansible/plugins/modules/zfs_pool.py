#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
#
# Documentation only. zfsansible.zfs.zfs_pool is a NativeAOT binary module
# (zfs_pool_x86_64 / zfs_pool_aarch64 beside this file, links to the collection's
# multi-call native/zfsansible_<arch>, built by ./build.sh build)
# that the action plugin plugins/action/zfs_pool.py dispatches per target
# architecture. This file exists so that `ansible-doc zfsansible.zfs.zfs_pool`
# and `ansible-doc -l zfsansible.zfs` (which skips binary files) work, and so
# that linters can validate task arguments against the documented options.

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: zfs_pool
short_description: Create, import, export and destroy ZFS pools from a declared vdev topology
version_added: 0.1.0
author:
  - ZfsAnsible contributors (@zfsansible)
description:
  - Converges one ZFS storage pool to a declared state and topology, manages its pool
    properties and the properties of its root dataset, and returns the pool's facts.
  - With I(state=present) the pool is imported if an exported pool of that name is found
    by an import scan, and otherwise created from I(vdevs), I(log), I(special), I(cache)
    and I(spare).
  - The topology of an existing pool is compared with the declaration by resolved device,
    so a C(/dev/disk/by-id/...) link and the device node it points to are the same disk.
    A difference fails the task with a description of it; the module never repairs a
    topology destructively (it never detaches, removes or replaces devices). Declared vdevs
    that are missing from the pool are added only with I(add_vdevs=true).
  - Destroying a pool needs both I(state=absent) and I(allow_destroy=true).
  - The command lines run, or that would run in check mode, are returned in the C(commands) return value.
extends_documentation_fragment:
  - zfsansible.zfs.native
options:
  name:
    description:
      - Name of the pool.
      - Must be a valid ZFS pool name (starts with a letter; letters, digits, C(_), C(-),
        C(.), C(:) and spaces only; not a reserved word such as C(mirror), C(raidz),
        C(spare) or C(log)).
    type: str
    required: true
  state:
    description:
      - C(present) - the pool exists and is imported. An exported pool of that name found by
        an import scan (see I(search_directories)) is imported; otherwise the pool is created
        from I(vdevs) (required then). When the pool already exists, its topology is checked
        against the declaration and its properties are converged.
      - C(imported) - import an existing exported pool; never creates one. Fails when no pool
        of that name can be found. An already imported pool is C(ok).
      - C(exported) - export the pool if it is imported; a pool that is not imported is C(ok).
      - C(absent) - destroy the pool, only together with I(allow_destroy=true). A pool that
        does not exist is C(ok).
    type: str
    choices: [present, absent, exported, imported]
    default: present
  vdevs:
    description:
      - Data vdevs of the pool.
      - Required to create the pool. When given for an existing pool, the pool's data vdevs
        are compared with it by resolved device; a difference fails the task (declared vdevs
        that are missing may be added with I(add_vdevs=true)).
      - When omitted for an existing pool, its topology is not checked.
    type: list
    default: []
    elements: dict
    suboptions:
      type:
        description:
          - Kind of vdev. C(stripe) adds every device as its own top-level vdev (no
            redundancy); C(mirror) mirrors all devices; C(raidz1), C(raidz2), C(raidz3) are
            RAID-Z groups with 1, 2 or 3 parity devices.
        type: str
        choices: [stripe, mirror, raidz1, raidz2, raidz3]
        default: stripe
      devices:
        description:
          - Devices of the vdev. Whole disks (preferably C(/dev/disk/by-id/...) links),
            partitions, or absolute paths of files (file-backed vdevs, for tests).
        type: list
        elements: str
        required: true
  log:
    description:
      - Separate intent log (SLOG) vdevs, same shape as I(vdevs).
      - Compared and added like I(vdevs).
    type: list
    default: []
    elements: dict
    suboptions:
      type:
        description:
          - C(stripe) (each device its own log vdev) or C(mirror).
        type: str
        choices: [stripe, mirror]
        default: stripe
      devices:
        description:
          - Devices of the log vdev.
        type: list
        elements: str
        required: true
  special:
    description:
      - Special allocation class vdevs (metadata and small blocks), same shape as I(vdevs).
      - Needs OpenZFS 0.8 or later (not available on zfs-fuse).
      - As with data vdevs, a special vdev without redundancy is a single point of failure
        of the whole pool; use C(mirror).
    type: list
    default: []
    elements: dict
    suboptions:
      type:
        description:
          - C(stripe) (each device its own special vdev) or C(mirror).
        type: str
        choices: [stripe, mirror]
        default: stripe
      devices:
        description:
          - Devices of the special vdev.
        type: list
        elements: str
        required: true
  cache:
    description:
      - L2ARC cache devices.
    type: list
    default: []
    elements: str
  spare:
    description:
      - Hot spare devices.
    type: list
    default: []
    elements: str
  add_vdevs:
    description:
      - When the pool exists and declared vdevs (data, log, special, cache or spare) are
        missing from it, add them with C(zpool add).
      - Without it, missing vdevs fail the task. Adding a data vdev cannot be undone on most
        pool layouts, so this is an explicit opt-in.
    type: bool
    default: false
  properties:
    description:
      - Pool properties, for example C(ashift), C(autotrim), C(autoexpand), C(failmode),
        C(comment).
      - Passed as C(zpool create -o name=value) at creation and set with C(zpool set) later
        when they differ.
      - Properties that can only be set at creation (C(ashift)) are reported as warnings
        when they differ from the existing pool, never re-set.
      - Values are compared as ZFS prints them; use the spelling C(zpool get) shows (for
        example C("on") / C("off") quoted, so YAML does not turn them into booleans).
      - Names and values follow the same rules as every declared property (C(zfs_datasets)
        too) - lower-case native names or C(feature@name), user properties containing C(:),
        values up to 8191 characters without control characters; the C(zfsansible:)
        namespace is reserved for the tool.
    type: dict
    default: {}
  filesystem_properties:
    description:
      - Properties of the pool's root dataset, for example C(compression), C(atime),
        C(xattr), C(acltype), C(canmount).
      - Passed as C(zpool create -O name=value) at creation and set with C(zfs set) later
        when they differ.
      - A YAML boolean becomes C(on)/C(off); the same name and value rules as I(properties).
    type: dict
    default: {}
  mountpoint:
    description:
      - Mountpoint of the pool's root dataset (C(zpool create -m)); set with C(zfs set
        mountpoint) later when it differs.
      - C(none) and C(legacy) are accepted as in ZFS.
    type: str
  altroot:
    description:
      - Alternate root directory (C(-R)) used when creating or importing the pool. Every
        mountpoint is prefixed with it and the pool is not added to the cache file.
      - Only applies when the pool is created or imported by this task.
    type: path
  force:
    description:
      - Allow creating the pool on (or adding) devices that carry a ZFS label, a partition
        table or a filesystem signature (passes C(-f)).
      - Devices that are in use (mounted, active swap, or member of an imported pool) are
        always refused, with or without I(force).
    type: bool
    default: false
  allow_destroy:
    description:
      - Must be C(true) for I(state=absent) to destroy a pool. Without it, I(state=absent) on
        an existing pool fails and changes nothing.
    type: bool
    default: false
  search_directories:
    description:
      - Directories to scan for pools to import (C(zpool import -d DIR)), one C(-d) each.
      - Needed for file-backed vdevs, which the default device scan does not find.
      - When empty, ZFS scans its default device directories.
    type: list
    elements: str
    default: []
notes:
  - The binary is copied to the target for every task, like any module.
  - Works with zfs-fuse as well as OpenZFS; what zfs-fuse lacks (special vdevs, C(autotrim),
    C(lz4), fragmentation) is reported as a failure or as C(null), never guessed.
seealso:
  - name: zpoolconcepts(7)
    description: Vdev types, device classes and pool states.
    link: https://openzfs.github.io/openzfs-docs/man/master/7/zpoolconcepts.7.html
  - name: zpoolprops(7)
    description: Pool properties.
    link: https://openzfs.github.io/openzfs-docs/man/master/7/zpoolprops.7.html
  - name: zfsprops(7)
    description: Dataset properties (for I(filesystem_properties)).
    link: https://openzfs.github.io/openzfs-docs/man/master/7/zfsprops.7.html
'''

EXAMPLES = r'''
- name: Two-disk mirror (the backup box's slowpool)
  zfsansible.zfs.zfs_pool:
    name: slowpool
    vdevs:
      - type: mirror
        devices:
          - /dev/disk/by-id/ata-WDC_WD20EFRX-68EUZN0_WD-WCC4M0000001
          - /dev/disk/by-id/ata-WDC_WD20EFRX-68EUZN0_WD-WCC4M0000002
    properties:
      ashift: 12
      autotrim: "on"
    filesystem_properties:
      compression: lz4
      atime: "off"
      xattr: sa
    mountpoint: /srv/slowpool

- name: RAID-Z2 with a mirrored log, a cache device and a hot spare
  zfsansible.zfs.zfs_pool:
    name: tank
    vdevs:
      - type: raidz2
        devices:
          - /dev/disk/by-id/wwn-0x5000c500a0000001
          - /dev/disk/by-id/wwn-0x5000c500a0000002
          - /dev/disk/by-id/wwn-0x5000c500a0000003
          - /dev/disk/by-id/wwn-0x5000c500a0000004
          - /dev/disk/by-id/wwn-0x5000c500a0000005
          - /dev/disk/by-id/wwn-0x5000c500a0000006
    log:
      - type: mirror
        devices:
          - /dev/disk/by-id/nvme-Samsung_SSD_980_1TB_S000000000001-part1
          - /dev/disk/by-id/nvme-Samsung_SSD_980_1TB_S000000000002-part1
    cache:
      - /dev/disk/by-id/nvme-Samsung_SSD_980_1TB_S000000000001-part2
    spare:
      - /dev/disk/by-id/wwn-0x5000c500a0000007
    properties:
      ashift: 12
    filesystem_properties:
      compression: zstd
      atime: "off"

- name: Mirrored special vdev for metadata and small blocks
  zfsansible.zfs.zfs_pool:
    name: fastmeta
    vdevs:
      - type: raidz1
        devices: [/dev/sdb, /dev/sdc, /dev/sdd]
    special:
      - type: mirror
        devices: [/dev/nvme0n1, /dev/nvme1n1]
    filesystem_properties:
      special_small_blocks: 32K

- name: Grow a pool by a second mirror (declared vdevs missing from the pool are added)
  zfsansible.zfs.zfs_pool:
    name: tank2
    vdevs:
      - type: mirror
        devices: [/dev/disk/by-id/ata-disk-1, /dev/disk/by-id/ata-disk-2]
      - type: mirror
        devices: [/dev/disk/by-id/ata-disk-3, /dev/disk/by-id/ata-disk-4]
    add_vdevs: true

- name: Reuse disks that still carry an old label or partition table
  zfsansible.zfs.zfs_pool:
    name: scratch
    vdevs:
      - devices: [/dev/sdx, /dev/sdy]   # type defaults to stripe: no redundancy
    force: true

- name: Only converge properties of an existing pool (topology not checked)
  zfsansible.zfs.zfs_pool:
    name: tank
    properties:
      autoexpand: "on"
      comment: primary data
    filesystem_properties:
      compression: zstd

- name: File-backed test pool (files created beforehand, e.g. with truncate -s 128M)
  zfsansible.zfs.zfs_pool:
    name: testpool
    vdevs:
      - type: mirror
        devices:
          - /var/tmp/zfs-sandbox/disk0.img
          - /var/tmp/zfs-sandbox/disk1.img
    search_directories:
      - /var/tmp/zfs-sandbox
    altroot: /var/tmp/zfs-sandbox/mnt

- name: Import an exported file-backed pool (never creates it)
  zfsansible.zfs.zfs_pool:
    name: testpool
    state: imported
    search_directories:
      - /var/tmp/zfs-sandbox

- name: Export a pool (e.g. before moving its disks)
  zfsansible.zfs.zfs_pool:
    name: usbpool
    state: exported

- name: Destroy a pool (needs both state=absent and allow_destroy)
  zfsansible.zfs.zfs_pool:
    name: testpool
    state: absent
    allow_destroy: true
    search_directories:
      - /var/tmp/zfs-sandbox

- name: Show what would be created, without touching anything
  zfsansible.zfs.zfs_pool:
    name: slowpool
    vdevs:
      - type: mirror
        devices: [/dev/sda, /dev/sdb]
  check_mode: true
  diff: true
  register: slowpool_plan

- name: Print the commands that would run
  ansible.builtin.debug:
    var: slowpool_plan.commands

- name: Read a pool's facts without changing it
  zfsansible.zfs.zfs_pool:
    name: tank
  check_mode: true
  register: tank

- name: Warn when the pool is not healthy
  ansible.builtin.debug:
    msg: "tank is {{ tank.pool.health }}, {{ tank.pool.capacity }}% full"
  when: tank.pool.health != 'ONLINE'

- name: Force the aarch64 binary (tests; normally detected from facts or uname)
  zfsansible.zfs.zfs_pool:
    name: slowpool
  vars:
    zfsansible_native_arch: aarch64
'''

RETURN = r'''
changed:
  description: Whether the pool was (or, in check mode, would be) changed.
  returned: always
  type: bool
  sample: true
msg:
  description: What was done, in one sentence.
  returned: always
  type: str
  sample: "pool slowpool created"
commands:
  description:
    - The C(zpool) and C(zfs) command lines that were run, or that would run in check mode,
      in order.
  returned: success
  type: list
  elements: str
  sample:
    - "zpool create -o ashift=12 -O compression=lz4 -m /srv/slowpool slowpool mirror /dev/disk/by-id/ata-A /dev/disk/by-id/ata-B"
diff:
  description:
    - The pool before and after the task, as far as the task manages it -
      C(state) (C(imported), C(exported) or C(absent)), C(vdevs) (one line per top-level vdev, such as
      C(mirror [/dev/sdb, /dev/sdc])), and the declared C(properties) and C(filesystem_properties).
  returned: when diff mode is enabled
  type: dict
  contains:
    before:
      description: The pool before the task.
      type: dict
      sample: {"state": "absent", "vdevs": [], "properties": {}, "filesystem_properties": {}}
    after:
      description: The pool after the task (predicted in check mode).
      type: dict
      sample: {"state": "imported", "vdevs": ["mirror [/dev/sdb, /dev/sdc]"], "properties": {"ashift": "12"}, "filesystem_properties": {"compression": "lz4"}}
pool:
  description:
    - Facts of the pool after the task (in check mode, as far as they can be known without
      changing anything).
    - C(null) when the pool does not exist or is not imported after the task (for example
      after I(state=absent) or I(state=exported)).
  returned: success
  type: dict
  contains:
    name:
      description: Pool name.
      type: str
      sample: slowpool
    state:
      description: C(imported) or C(exported).
      type: str
      sample: imported
    health:
      description: Pool health as ZFS reports it (C(ONLINE), C(DEGRADED), C(FAULTED), C(OFFLINE), C(UNAVAIL), C(REMOVED)).
      type: str
      sample: ONLINE
    size:
      description: Total size in bytes.
      type: int
      sample: 1992864825344
    allocated:
      description: Allocated space in bytes.
      type: int
      sample: 412316860416
    free:
      description: Free space in bytes.
      type: int
      sample: 1580547964928
    capacity:
      description: Used capacity in percent.
      type: int
      sample: 20
    fragmentation:
      description: Free-space fragmentation in percent; C(null) where the ZFS does not report it (zfs-fuse).
      type: int
      sample: 3
    properties:
      description: The declared pool properties (name to value, as C(zpool get) prints them).
      type: dict
      sample: {"ashift": "12", "autotrim": "on", "autoexpand": "off", "failmode": "wait"}
    vdevs:
      description: The pool's topology, one entry per top-level vdev.
      type: list
      elements: dict
      contains:
        class:
          description: C(data), C(log), C(cache), C(spare) or C(special).
          type: str
          sample: data
        type:
          description: C(stripe) (a single device), C(mirror), C(raidz1), C(raidz2) or C(raidz3).
          type: str
          sample: mirror
        devices:
          description: Devices of the vdev as ZFS reports them.
          type: list
          elements: str
          sample: ["/dev/disk/by-id/ata-A-part1", "/dev/disk/by-id/ata-B-part1"]
        state:
          description: State of the vdev (C(ONLINE), C(DEGRADED), ...; C(AVAIL) or C(INUSE) for spares).
          type: str
          sample: ONLINE
  sample:
    name: slowpool
    state: imported
    health: ONLINE
    size: 1992864825344
    allocated: 412316860416
    free: 1580547964928
    capacity: 20
    fragmentation: 3
    properties: {"ashift": "12", "autotrim": "on"}
    vdevs:
      - class: data
        type: mirror
        devices: ["/dev/disk/by-id/ata-A-part1", "/dev/disk/by-id/ata-B-part1"]
        state: ONLINE
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
    docs_only_main(DOCUMENTATION, 'zfs_pool')


if __name__ == '__main__':
    main()
