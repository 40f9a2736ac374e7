# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
"""Action plugin for zfsansible.zfs.zfs_timer: runs the native binary of the program the timer runs.

zfs_timer is answered by the program's own executable (zfs_snapshot_prune or zfs_replicate): the binary
Ansible uploads for the task is the one the module installs on the host, so nothing else crosses the wire.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.module_utils.six import string_types
from ansible_collections.zfsansible.zfs.plugins.plugin_utils.native_module import NativeModuleAction

PROGRAMS = ('zfs_snapshot_prune', 'zfs_replicate')


class ActionModule(NativeModuleAction):

    def executable_name(self):
        program = self._task.args.get('program')
        if not isinstance(program, string_types) or program not in PROGRAMS:
            raise AnsibleActionFail('%s: value of program must be one of: %s, got: %s'
                                    % (self.display_name(), ', '.join(PROGRAMS), program))
        return program
