# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
"""What every native module of the collection shares: requirements, attributes and how it is dispatched."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
requirements:
  - nothing on the target but what the module manages (the module is a self-contained native executable, no Python or .NET runtime)
  - Linux on x86_64 or aarch64 (64-bit userland) with glibc >= 2.29 (Debian 11+, Raspberry Pi OS bullseye+, Ubuntu 20.04+);
    C(zfs_replicate) and C(zfs_timer) also load libssl (1.1 or 3) for hashing, which every Debian with openssh has
  - for the ZFS modules, OpenZFS >= 2.1 or zfs-fuse (C(zfs) and C(zpool) on the C(PATH)); C(pi_boot_config) and C(pi_pcie_info) need no ZFS
  - the collection's binaries built with C(./build.sh build), or an artifact that contains them
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: linux
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details: The action plugin only selects the binary for the target architecture; all the work runs on the target.
  async:
    description: Supports being used with the C(async) keyword.
    support: none
notes:
  - This is a native (NativeAOT) module. The collection ships one multi-call binary per target
    architecture for all its modules (C(native/zfsansible_x86_64), C(native/zfsansible_aarch64),
    linked as C(<module>_x86_64) and C(<module>_aarch64)); its action plugin runs the one
    that matches the target, from gathered facts when the play gathered them
    (C(gather_subset=min) is enough), otherwise from one C(uname -s; uname -m; getconf LONG_BIT)
    over the connection. Targets with a 32-bit userland are not supported.
  - The task variable C(zfsansible_native_arch) (C(x86_64) or C(aarch64)) overrides the
    detection; it is meant for tests and special cases.
  - Every command a module runs (C(zfs), C(zpool), C(ssh)) is an argument vector, never a shell.
'''
