# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
"""Action plugin for zfsansible.zfs.zfs_facts: runs the target architecture's native binary."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.zfsansible.zfs.plugins.plugin_utils.native_module import NativeModuleAction as ActionModule  # noqa: F401 pylint: disable=unused-import
