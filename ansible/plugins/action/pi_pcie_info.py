# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
"""Action plugin for zfsansible.zfs.pi_pcie_info: answered by the target architecture's pi_boot_config binary."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.zfsansible.zfs.plugins.plugin_utils.native_module import NativeModuleAction


class ActionModule(NativeModuleAction):

    def executable_name(self):
        return 'pi_boot_config'
