# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
"""Jinja filters over the inventory's ZFS policies: a thin shim around the native ``zfs-policy`` command.

Filters must be Python, the policy logic must not be: these functions only hand the data to the
collection's ``native/zfsansible_<arch>`` executable as ``zfsansible zfs-policy ...`` (built for the controller's
architecture) and turn
its one-line error into ``AnsibleFilterError``. Documentation: the YAML files beside this one.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import platform
import subprocess

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_native

_ARCHITECTURES = {'x86_64': 'x86_64', 'amd64': 'x86_64', 'aarch64': 'aarch64', 'arm64': 'aarch64'}


def _zfs_policy(arguments, policies, datasets):
    machine = platform.machine()
    arch = _ARCHITECTURES.get(machine)
    if arch is None:
        raise AnsibleFilterError('zfsansible.zfs: no zfs-policy build for the controller architecture %s' % machine)
    binary = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          'native', 'zfsansible_%s' % arch)
    if not os.path.isfile(binary):
        raise AnsibleFilterError('zfsansible.zfs: %s is not built (./build.sh build)' % binary)
    document = json.dumps({'zfs_policies': policies, 'zfs_datasets': datasets}, default=to_native)
    result = subprocess.run([binary, 'zfs-policy'] + arguments, input=document.encode('utf-8'),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        raise AnsibleFilterError(to_native(result.stderr).strip() or 'zfs-policy failed (exit %d)' % result.returncode)
    return json.loads(to_native(result.stdout))


def zfs_datasets_with_policy(datasets, policies, policy_name):
    """Names of the datasets whose effective policy is policy_name."""
    return _zfs_policy(['with-policy', to_native(policy_name)], policies, datasets)


def zfs_policy_tree(datasets, policies):
    """Every configured dataset with its effective policy and where it came from."""
    return _zfs_policy(['resolve'], policies, datasets)


class FilterModule(object):
    def filters(self):
        return {
            'zfs_datasets_with_policy': zfs_datasets_with_policy,
            'zfs_policy_tree': zfs_policy_tree,
        }
