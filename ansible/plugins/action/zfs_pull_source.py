# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
"""Action plugin for zfsansible.zfs.zfs_pull_source: answered by the target architecture's zfs_replicate binary."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.zfsansible.zfs.plugins.plugin_utils.native_module import NativeModuleAction


class ActionModule(NativeModuleAction):

    def executable_name(self):
        return 'zfs_replicate'
