#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
#
# Documentation only: zfsansible.zfs.zfs_timer is answered by the collection's multi-call native binary
# (native/zfsansible_<arch>), dispatched by plugins/action/zfs_timer.py.

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: zfs_timer
short_description: Run a program of this collection on a systemd timer - installed natively, no Python on the target
version_added: 0.1.0
author:
  - ZfsAnsible contributors (@zfsansible)
description:
  - Installs the target architecture's I(program) at C(/usr/local/lib/zfsansible/<program>) (replaced only
    when its bytes differ; the binary Ansible uploaded for this very task is the one installed), saves
    I(options) as C(/etc/zfsansible/timers/<name>.json) (mode 0600), writes a service and a timer to
    C(/etc/systemd/system), and enables and starts the timer.
  - The service is C(Type=oneshot) and runs C(<program> run --options-file /etc/zfsansible/timers/%N.json) with
    C(TZ=UTC); its output goes to the journal and a failed run leaves the unit C(failed) in
    C(systemctl status). SIGTERM (C(systemctl stop)) stops a run cleanly and releases its lock.
  - A I(name) with an instance, such as C(zfs-pull@host-storage), shares one template service
    (C(zfs-pull@.service)) with the other instances and has its own timer (C(zfs-pull@host-storage.timer))
    and options, so different instances run in parallel and one instance never runs twice at a time.
  - The options are validated by the program's own module spec and checks when the task runs, so a
    mistake fails the task, not a run at night. Options marked C(no_log) by the program (C(ssh_key)) are
    masked in the task's output; the options file is never shown in C(--diff).
  - Where systemd is not running (a container), or with I(root) (an image being built), the timer is
    installed and enabled offline (C(systemctl --root)) and starts with systemd; the task warns.
  - C(state=absent) disables and stops the timer and removes its timer, options and (when no other
    instance uses it) service files. The installed program stays for other timers.
extends_documentation_fragment:
  - zfsansible.zfs.native
options:
  name:
    description:
      - The unit name without suffix - C(zfs-snapshot), or C(<template>@<instance>) such as C(zfs-pull@host-storage).
    type: str
    required: true
  program:
    description: The collection's program the timer runs.
    type: str
    required: true
    choices: [zfs_snapshot_prune, zfs_replicate]
  options:
    description:
      - The program's module options for every run, exactly as for M(zfsansible.zfs.zfs_snapshot_prune)
        or M(zfsansible.zfs.zfs_replicate) (validated by the same spec).
    type: dict
    default: {}
  on_calendar:
    description:
      - When the timer fires - a systemd calendar expression (C(systemd.time(7))), checked with
        C(systemd-analyze calendar) where the target has it. Runs missed while the host was down are
        caught up at boot (C(Persistent=true)).
    type: str
    default: "*:0/15"
  description:
    description: The units' description. Default - C(ZfsAnsible <program> (<name>)).
    type: str
  state:
    description: C(present) installs and enables the timer; C(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description: Whether the timer is enabled and running; C(false) installs it disabled and stopped.
    type: bool
    default: true
  root:
    description:
      - The root directory of the system the timer is for - C(/) for the target itself, or the root of an
        image being built; every path above is below it, and C(systemctl --root) enables the timer there.
    type: path
    default: /
'''

EXAMPLES = r'''
- name: Take and prune snapshots every 15 minutes
  zfsansible.zfs.zfs_timer:
    name: zfs-snapshot
    program: zfs_snapshot_prune
    on_calendar: "*:0/15"

- name: Pull host-storage's datasets every hour, through its forced command
  zfsansible.zfs.zfs_timer:
    name: zfs-pull@host-storage
    program: zfs_replicate
    on_calendar: hourly
    options:
      remote_host: host-storage
      source_roots: [tank/documents, tank/docker]
      target_root: slowpool/backups/raw/host-storage
      ssh_key: /etc/zfsansible/ssh/pull_ed25519
      ssh_options: [StrictHostKeyChecking=accept-new]

- name: Remove the snapshot timer
  zfsansible.zfs.zfs_timer:
    name: zfs-snapshot
    program: zfs_snapshot_prune
    state: absent
'''

RETURN = r'''
msg:
  description: One line - what was installed or removed, the program and the schedule; or why the task failed.
  returned: always
  type: str
  sample: "zfs-snapshot.timer installed: zfs_snapshot_prune on *:0/15"
timer:
  description: The timer unit.
  returned: success
  type: str
  sample: zfs-pull@host-storage.timer
service:
  description: The service unit the timer starts.
  returned: success
  type: str
  sample: zfs-pull@host-storage.service
program_path:
  description: Where the program is installed.
  returned: success
  type: str
  sample: /usr/local/lib/zfsansible/zfs_replicate
options_path:
  description: The options file of this timer.
  returned: success
  type: str
  sample: /etc/zfsansible/timers/zfs-pull@host-storage.json
changed_files:
  description: The files written or removed (to write or remove, in check mode).
  returned: success
  type: list
  elements: str
  sample: ["/etc/systemd/system/zfs-snapshot.timer"]
commands:
  description: The C(systemctl) changes run (to run, in check mode).
  returned: success
  type: list
  elements: str
  sample: ["systemctl daemon-reload", "systemctl enable --now -- zfs-snapshot.timer"]
systemd_running:
  description: Whether systemd runs on the host (otherwise the timer starts with it).
  returned: success
  type: bool
  sample: true
diff:
  description: The service and timer files before and after.
  returned: when diff mode is enabled
  type: dict
module_build:
  description: The native build that answered, C(linux-x64) or C(linux-arm64).
  returned: always
  type: str
  sample: linux-x64
'''

from ansible_collections.zfsansible.zfs.plugins.module_utils.native_docs import docs_only_main


def main():
    docs_only_main(DOCUMENTATION, 'zfs_timer')


if __name__ == '__main__':
    main()
