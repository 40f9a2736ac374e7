#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
#
# Documentation only. zfsansible.zfs.zfs_dataset_policy is a NativeAOT binary module
# (zfs_dataset_policy_x86_64 / zfs_dataset_policy_aarch64 beside this file, links to the collection's
# multi-call native/zfsansible_<arch>, built by
# ./build.sh build) that the action plugin plugins/action/zfs_dataset_policy.py dispatches
# per target architecture. This file exists so that `ansible-doc zfsansible.zfs.zfs_dataset_policy`
# and `ansible-doc -l zfsansible.zfs` (which skips binary files) work, and so that linters
# can validate task arguments against the documented options.

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: zfs_dataset_policy
short_description: Converge a host's ZFS datasets, their properties and their snapshot policies in one task
version_added: 0.1.0
author:
  - ZfsAnsible contributors (@zfsansible)
description:
  - Converges a host's whole ZFS dataset tree in one task from the inventory's C(zfs_datasets)
    (I(datasets)) and the fleet's C(zfs_policies) (I(policies)), or one dataset (I(name)).
  - Every configured dataset is created when it is missing, parents too (C(zfs create -p)),
    with its declared I(properties) given at creation.
  - Of an existing dataset only the properties that differ are set (C(zfs set)). Values are
    compared as ZFS reports them, so C(1M) equals C(1048576) and C(on) equals C(ON); the
    property's source (C(local), C(inherited), C(received), ...) is shown in the report.
  - Properties that can only be set at creation (C(volblocksize), C(encryption),
    C(keyformat), C(casesensitivity), C(normalization), C(utf8only)) are reported as warnings
    when they differ from the existing dataset, and never re-set.
  - Each configured dataset's effective policy is written on the dataset as ZFS user
    properties, so snapshot timers on the host know it without Ansible -
    C(zfsansible:policy) (the policy name, or C(unmanaged)),
    C(zfsansible:policy_source) (C(explicit), C(inherited:<ancestor>) or C(unmanaged)),
    C(zfsansible:retention) (for example C(hourly=24,daily=14,weekly=4), or C(none)),
    C(zfsansible:replicate) (C(on) or C(off)) and
    C(zfsansible:discover_children) (C(on) or C(off)).
  - The effective policy of a configured dataset is its own I(policy); else the policy of
    the nearest configured ancestor, but only if that ancestor has
    I(children_inherit_policy=true) (C(inherited:<ancestor>) names the configured dataset
    that states the policy); else the dataset is C(unmanaged).
  - Nothing is ever destroyed unless I(state=absent) and I(allow_destroy=true), and never
    recursively.
  - Bad input (an unknown policy, an invalid or duplicate dataset name, a dataset outside
    every pool imported on the host, a malformed retention count) fails the task with a
    one-line message naming the dataset, before anything is changed.
  - The command lines run, or that would run in check mode, are returned in C(commands).
requirements:
  - the pools that hold the datasets imported on the host (for example with M(zfsansible.zfs.zfs_pool))
extends_documentation_fragment:
  - zfsansible.zfs.native
options:
  datasets:
    description:
      - Whole-tree form - every dataset the host should have, usually the inventory's
        C(zfs_datasets). One task converges all of them.
      - Each dataset must be inside a pool that is imported on the host.
      - Mutually exclusive with I(name).
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - Full dataset name, C(<pool>/<path>), for example C(tank/docker/registry).
          - Must be a valid ZFS dataset name and appear only once in I(datasets).
        type: str
        required: true
      policy:
        description:
          - Name of the dataset's snapshot policy, a key of I(policies).
          - Without it the dataset takes the policy of its nearest configured ancestor if
            that ancestor has I(children_inherit_policy=true), and is C(unmanaged) otherwise.
        type: str
      children_inherit_policy:
        description:
          - Configured descendants that name no I(policy) take this dataset's effective
            policy (inheritance at configuration time; their C(zfsansible:policy_source) is
            C(inherited:<ancestor>)).
        type: bool
        default: false
      snapshots_discover_children:
        description:
          - Descendants that are not configured (created later, for example by Docker's ZFS
            driver) are snapshotted with this dataset's policy at snapshot time.
          - Recorded in C(zfsansible:discover_children); without it, unconfigured
            descendants are never touched.
        type: bool
        default: false
      properties:
        description:
          - ZFS properties of the dataset, for example C(compression), C(recordsize),
            C(atime), C(mountpoint), or user properties (C(module:property)).
          - Given to C(zfs create -o) when the dataset is created, and set with C(zfs set)
            later when they differ.
          - Quote C("on") and C("off") so YAML does not turn them into booleans.
          - Properties in the C(zfsansible:) namespace may not be declared; the module
            writes them from the policy.
        type: dict
        default: {}
  policies:
    description:
      - "The snapshot policies, usually the inventory's C(zfs_policies) - a mapping of policy
        name to C({snapshots: {INTERVAL: COUNT, ...}, replicate: BOOL})."
      - "Intervals are C(frequently) (every 15 minutes), C(hourly), C(daily), C(weekly),
        C(monthly) and C(yearly); each count is the number of snapshots of that interval to
        retain (a whole number). C(snapshots: {}) keeps none."
      - C(replicate) says whether the dataset is replicated (written as C(zfsansible:replicate)).
      - Needed whenever a dataset names a policy (in I(datasets) or with I(policy)). An
        unknown policy name fails the task with the list of known ones.
    type: dict
    default: {}
  name:
    description:
      - Single-dataset form - the one dataset to converge (or, with I(state=absent), to
        destroy), C(<pool>/<path>).
      - Mutually exclusive with I(datasets).
    type: str
  policy:
    description:
      - With I(name) - the dataset's snapshot policy, a key of I(policies).
      - Only the one dataset is configured in this form, so its effective policy is
        I(policy), or C(unmanaged) without it.
    type: str
  properties:
    description:
      - With I(name) - ZFS properties of the dataset, as for the I(properties) of an item of
        I(datasets).
    type: dict
    default: {}
  state:
    description:
      - C(present) - the configured datasets exist with their properties and policy.
      - C(absent) - only with I(name) - destroy the dataset, only together with
        I(allow_destroy=true). Never recursive - a dataset that has children or snapshots
        fails with the message of C(zfs destroy). A dataset that does not exist is C(ok).
    type: str
    choices: [present, absent]
    default: present
  allow_destroy:
    description:
      - Must be C(true) for I(state=absent) to destroy the dataset. Without it,
        I(state=absent) on an existing dataset fails and changes nothing.
    type: bool
    default: false
  pending_pools:
    description:
      - Pools that an earlier task of the same run declares but, in check mode, did not
        create (the role C(zfsansible.zfs.system_zfs_policy) passes the names of C(zfs_pools)).
      - In check mode, datasets in these pools are reported as would be created instead of
        failing as outside every pool. Outside check mode only imported pools count, so a
        pool that failed to appear still fails its datasets.
    type: list
    elements: str
    default: []
notes:
  - Filesystems only; volumes (zvols) are not managed by this version.
  - Works with zfs-fuse as well as OpenZFS; what zfs-fuse lacks (for example C(lz4),
    C(zstd), C(recordsize) above C(128K)) fails with the message of C(zfs).
  - The role C(zfsansible.zfs.system_zfs_policy) applies the inventory's C(zfs_datasets)
    and C(zfs_policies) with this module.
seealso:
  - module: zfsansible.zfs.zfs_pool
  - name: zfsprops(7)
    description: Dataset properties, their sources and which can only be set at creation.
    link: https://openzfs.github.io/openzfs-docs/man/master/7/zfsprops.7.html
  - name: zfs-create(8)
    description: Creating datasets and their parents (C(-p)).
    link: https://openzfs.github.io/openzfs-docs/man/master/8/zfs-create.8.html
'''

EXAMPLES = r'''
# The inventory: policies shared by the fleet, datasets per host.
#
# group_vars/all/zfs.yml
#   zfs_policies:
#     critical: { snapshots: { frequently: 4, hourly: 48, daily: 30, weekly: 8, monthly: 12 }, replicate: true }
#     standard: { snapshots: { hourly: 24, daily: 14, weekly: 4 }, replicate: true }
#     scratch: { snapshots: { hourly: 6 }, replicate: false }
#     none: { snapshots: {}, replicate: false }
#
# host_vars/host-storage/zfs.yml
#   zfs_datasets:
#     - name: tank/documents
#       policy: critical
#       properties: { compression: zstd, recordsize: 1M }
#     - name: tank/docker
#       policy: standard
#       children_inherit_policy: true       # configured children without a policy take this one
#       snapshots_discover_children: true   # children created at run time (Docker volumes) are snapshotted too
#     - name: tank/docker/cache
#       policy: none
#     - name: tank/docker/registry          # inherits standard (config time)

- name: Converge the host's datasets and their policies (a role task; one task for the whole tree)
  zfsansible.zfs.zfs_dataset_policy:
    datasets: "{{ zfs_datasets }}"
    policies: "{{ zfs_policies }}"
  register: zfs_tree

- name: Show each dataset's policy and where it came from
  ansible.builtin.debug:
    msg: "{{ item.key }}: {{ item.value.policy }} ({{ item.value.source }}), {{ item.value.action }}"
  loop: "{{ zfs_tree.datasets | dict2items }}"
  loop_control:
    label: "{{ item.key }}"

# On tank/docker/registry the module wrote:
#   zfsansible:policy             standard
#   zfsansible:policy_source      inherited:tank/docker
#   zfsansible:retention          hourly=24,daily=14,weekly=4
#   zfsansible:replicate          on
#   zfsansible:discover_children  on

- name: The same tree written inline
  zfsansible.zfs.zfs_dataset_policy:
    policies:
      standard:
        snapshots: { hourly: 24, daily: 14, weekly: 4 }
        replicate: true
      none:
        snapshots: {}
        replicate: false
    datasets:
      - name: tank/docker
        policy: standard
        children_inherit_policy: true
        snapshots_discover_children: true
        properties:
          compression: zstd
          atime: "off"
      - name: tank/docker/cache
        policy: none
        properties:
          sync: disabled
      - name: tank/docker/registry
      - name: tank/scratch                  # no policy and no inheriting ancestor: unmanaged

- name: One dataset (single-dataset form)
  zfsansible.zfs.zfs_dataset_policy:
    name: tank/media
    policy: standard
    policies: "{{ zfs_policies }}"
    properties:
      recordsize: 1M
      compression: "on"

- name: Show what would change, without touching anything
  zfsansible.zfs.zfs_dataset_policy:
    datasets: "{{ zfs_datasets }}"
    policies: "{{ zfs_policies }}"
  check_mode: true
  diff: true
  register: zfs_plan

- name: Print the commands that would run
  ansible.builtin.debug:
    var: zfs_plan.commands

- name: Destroy an empty dataset (needs both state=absent and allow_destroy; never recursive)
  zfsansible.zfs.zfs_dataset_policy:
    name: tank/old-project
    state: absent
    allow_destroy: true
'''

RETURN = r'''
changed:
  description: Whether any dataset was (or, in check mode, would be) created, changed or destroyed.
  returned: always
  type: bool
  sample: true
msg:
  description: What was done, in one sentence; on failure the one-line reason, naming the dataset.
  returned: always
  type: str
  sample: "4 datasets: 1 created, 1 updated, 2 unchanged"
datasets:
  description:
    - One entry per configured dataset (or the one dataset of I(name)), keyed by dataset name.
  returned: success
  type: dict
  contains:
    action:
      description:
        - What the task did (in check mode, would do) - C(created), C(updated), C(unchanged),
          C(destroyed), or C(absent) (I(state=absent) on a dataset that does not exist).
      type: str
      sample: updated
    policy:
      description: The effective policy name, or null for an unmanaged dataset (its I(source) is then C(unmanaged)).
      type: str
      sample: standard
    source:
      description: Where the policy came from - C(explicit), C(inherited:<ancestor>) or C(unmanaged).
      type: str
      sample: inherited:tank/docker
    changed_properties:
      description:
        - The properties that were (or would be) set on an existing dataset, including the
          C(zfsansible:) ones, each with its value C(before) as ZFS reported it, the value C(after),
          and the C(source) ZFS reported for it before (C(local), C(inherited from tank),
          C(received), C(default), ...).
        - Empty for a created dataset, whose properties are given to C(zfs create) (see C(commands)
          and, in diff mode, C(diff)).
      type: dict
      sample:
        compression: { before: "off", after: "on", source: "inherited from tank" }
        atime: { before: "on", after: "off", source: "default" }
  sample:
    tank/docker:
      action: unchanged
      policy: standard
      source: explicit
      changed_properties: {}
    tank/docker/registry:
      action: created
      policy: standard
      source: inherited:tank/docker
      changed_properties: {}
commands:
  description:
    - The C(zfs) command lines that were run, or that would run in check mode, in order.
  returned: success
  type: list
  elements: str
  sample:
    - "zfs create -p -o compression=on -o zfsansible:policy=standard -o zfsansible:policy_source=inherited:tank/docker
      -o zfsansible:retention=hourly=24,daily=14,weekly=4 -o zfsansible:replicate=on -o zfsansible:discover_children=on
      tank/docker/registry"
    - "zfs set atime=off tank/docker"
diff:
  description:
    - Each changed dataset before and after the task - whether it C(exists) and the C(properties)
      the task sets (all of them for a created dataset).
  returned: when diff mode is enabled
  type: dict
  contains:
    before:
      description: The changed datasets before the task, keyed by dataset name.
      type: dict
      sample:
        tank/docker: {"exists": true, "properties": {"atime": "on"}}
        tank/docker/registry: {"exists": false, "properties": {}}
    after:
      description: The changed datasets after the task (predicted in check mode), keyed by dataset name.
      type: dict
      sample:
        tank/docker: {"exists": true, "properties": {"atime": "off"}}
        tank/docker/registry: {"exists": true, "properties": {"zfsansible:policy": "standard"}}
warnings:
  description:
    - Differences the module does not change, such as a creation-only property
      (C(volblocksize), C(encryption), C(keyformat), C(casesensitivity), C(normalization),
      C(utf8only)) whose value differs from the declared one.
  returned: when there are any
  type: list
  elements: str
  sample:
    - "tank/documents: casesensitivity is sensitive, declared insensitive; it can only be set at creation and is left as it is"
module_build:
  description: The native build that answered, C(linux-x64) or C(linux-arm64).
  returned: always
  type: str
  sample: linux-x64
zfs_implementation:
  description: The ZFS found on the target, for example C(openzfs 2.3.2) or C(zfs-fuse / legacy).
  returned: success
  type: str
  sample: openzfs 2.1.11
'''

from ansible_collections.zfsansible.zfs.plugins.module_utils.native_docs import docs_only_main


def main():
    docs_only_main(
        DOCUMENTATION, 'zfs_dataset_policy',
        mutually_exclusive=[['datasets', 'name'], ['datasets', 'policy'], ['datasets', 'properties']],
        required_one_of=[['datasets', 'name']],
        required_if=[['state', 'absent', ['name']]],
    )


if __name__ == '__main__':
    main()
