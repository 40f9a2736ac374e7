#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
#
# Documentation only: zfsansible.zfs.pi_boot_config is a NativeAOT binary module dispatched per
# target architecture by plugins/action/pi_boot_config.py (see module_utils/native_docs.py).

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: pi_boot_config
short_description: Manage Raspberry Pi config.txt settings (dtparam, dtoverlay, key=value) idempotently; report whether a reboot is required
version_added: 0.1.0
author:
  - ZfsAnsible contributors (@zfsansible)
description:
  - Puts settings into one conditional section of the Raspberry Pi firmware's C(config.txt) (default C([all])),
    or removes them, and leaves every other line, comment, blank line, line ending and section as it was, byte for byte.
  - "A setting already right is left alone. A wrong value is changed on the line that wins - the last one of the
    section, as the firmware reads later lines over earlier ones. A missing setting is added after the last setting of
    the section's last block; a missing section is created at the end of the file. I(state=absent) removes the
    setting from every line of the section, so no earlier duplicate takes its place."
  - "A bare C(dtparam=pciex1) and C(dtparam=pciex1=on) say the same and are not rewritten into each other. A dtparam
    line holding several parameters (C(dtparam=i2c_arm=on,spi=on)) is edited item by item. A trailing comment after
    a value (C(dtparam=pciex1_gen=2 # gen 2)) is kept when the value changes."
  - Finds the file itself - C(/boot/firmware/config.txt) (Raspberry Pi OS bookworm and later), else C(/boot/config.txt)
    (older images). Bookworm's C(/boot/config.txt) is a note pointing to the real file; the note and symbolic links are
    followed, so the file the firmware reads is the one edited.
  - Replaces the file atomically - a temporary file in the same directory, flushed to disk, given the original's mode
    and owner, renamed over it, and the directory flushed - so a power cut leaves the old file or the new one.
  - Returns C(reboot_required=true) exactly when the lines the firmware acts on changed (the settings only take
    effect at the next boot) - in any section, whether or not this board reads it; a second run with the same
    settings returns C(changed=false) and C(reboot_required=false).
  - Records such a change in I(reboot_marker), a file under C(/run), which every boot empties, and returns
    C(reboot_pending=true) while it is there, so a run between the change and the reboot knows one is still due.
  - Warns when a later line of another section sets the same parameter differently (it wins on boards that match
    that section), and when the file C(include)s another file (which is neither read nor changed).
  - The PCIe connector's parameters (C(dtparam=pciex1...)) are refused unless the board is a Raspberry Pi 5 or
    Compute Module 5 (read from I(model_path)) or I(force=true).
extends_documentation_fragment:
  - zfsansible.zfs.native
options:
  settings:
    description:
      - The settings, each one of I(dtparam), I(dtoverlay) or I(key). At most one entry per setting.
      - Names are letters, digits, C(_) (and C(-), C(.) for dtparams and overlays; an optional C(:N) index for keys,
        as in C(hdmi_mode:1)). Values are printable ASCII without C(#), C([), C(]), C(=) (and C(,) in dtparams and
        overlay parameters), not beginning or ending with a blank. A written line may not exceed the firmware's 98 characters.
    type: list
    elements: dict
    required: true
    suboptions:
      dtparam:
        description: A device-tree parameter, written C(dtparam=<name>[=<value>]).
        type: str
      dtoverlay:
        description: An overlay, written C(dtoverlay=<name>[,<param>[=<value>]...]); an overlay already loaded with other parameters gets these.
        type: str
      key:
        description: Any other firmware setting, written C(<key>=<value>) (for example C(arm_boost), C(usb_max_current_enable)).
          C(dtparam), C(dtoverlay), C(include) and C(initramfs) are refused here.
        type: str
      value:
        description:
          - The value of a dtparam (omit it for the bare form C(dtparam=name), which the firmware reads as on) or of a key (required).
          - A string, a whole number, or a boolean (written C(on)/C(off) for a dtparam, C(1)/C(0) for a key).
        type: raw
      params:
        description: An overlay's parameters, name to value; a null value is the bare form (C(dtoverlay=gpio-fan,temp=60000)).
        type: dict
        default: {}
      state:
        description: Whether the setting must be in the section (C(present)) or in none of its lines (C(absent)).
        type: str
        choices: [present, absent]
        default: present
  section:
    description:
      - The conditional section, written without brackets - C(all), C(pi5), C(cm4), C(cm5), C(board-type=0x17), C(gpio4=1).
        Lines before the first section line are in C(all).
    type: str
    default: all
  path:
    description:
      - The config.txt to edit. Default - C(/boot/firmware/config.txt) if it exists, else C(/boot/config.txt).
      - A pointer note or a symbolic link is followed (with a warning naming the file used). The file must exist.
    type: path
  model_path:
    description: Where the board's model is read from (the device tree's model string).
    type: path
    default: /proc/device-tree/model
  backup:
    description: Copy the original to C(<path>.<UTC time>.<pid>.bak) before replacing it (its name is returned as C(backup_file)).
    type: bool
    default: false
  force:
    description: Write the PCIe connector's parameters even when the board is not a Raspberry Pi 5 or Compute Module 5.
    type: bool
    default: false
  reboot_marker:
    description:
      - Where a change the board has not booted with yet is recorded (appended, one line per change). It must be on a
        file system that every boot empties (C(/run) is a tmpfs on Raspberry Pi OS); tests point it elsewhere.
    type: path
    default: /run/zfsansible/reboot-required
notes:
  - Check mode reports what would change, including C(reboot_required), and writes nothing. Diff mode shows the file before and after.
  - Settings in files named by C(include) lines are not read.
  - To the firmware, a C(dtparam) line after a C(dtoverlay) line is that overlay's parameter when the overlay has one of
    that name (until the next C(dtoverlay) line). This module reads every C(dtparam) as a base parameter and adds lines
    at the end of a section, where Raspberry Pi's documentation puts them (the PCIe parameters are the base device
    tree's; no stock overlay has them). Give an overlay's own parameters as its I(params).
  - As a command on the Pi, C(pi_boot_config show [--path P] [--section S]) prints the settings the firmware reads, and
    C(pi_boot_config pcie) the PCIe devices with their negotiated link.
seealso:
  - module: zfsansible.zfs.pi_pcie_info
  - name: The config.txt file (Raspberry Pi documentation)
    description: File format, conditional filters and the PCIe parameters.
    link: https://www.raspberrypi.com/documentation/computers/config_txt.html
'''

EXAMPLES = r'''
- name: Enable the external PCIe connector at gen 3 (Radxa Penta SATA HAT on a Raspberry Pi 5)
  zfsansible.zfs.pi_boot_config:
    settings:
      - dtparam: pciex1
      - dtparam: pciex1_gen
        value: 3
  register: pcie

- name: Reboot when the firmware must read the new settings (changed now, or by an earlier run since the last boot)
  ansible.builtin.reboot:
  when: pcie.reboot_pending

- name: A fan overlay and the boost on Pi 4 boards only
  zfsansible.zfs.pi_boot_config:
    section: pi4
    settings:
      - dtoverlay: gpio-fan
        params: {gpiopin: 14, temp: 60000}
      - key: arm_boost
        value: 1

- name: Remove a setting from every line of [all], keeping a backup
  zfsansible.zfs.pi_boot_config:
    settings:
      - dtparam: audio
        state: absent
    backup: true
'''

RETURN = r'''
msg:
  description: One line - what was added, changed or removed, in which file, and whether a reboot is required.
  returned: always
  type: str
  sample: "added dtparam=pciex1 to [all]; added dtparam=pciex1_gen=3 to [all] in /boot/firmware/config.txt; a reboot is required for it to take effect"
path:
  description: The file edited (after following a pointer note or a link).
  returned: success
  type: str
  sample: /boot/firmware/config.txt
board_model:
  description: The board's model from I(model_path); null when it cannot be read.
  returned: success
  type: str
  sample: Raspberry Pi 5 Model B Rev 1.0
reboot_required:
  description: True exactly when the lines the firmware acts on changed (would change, in check mode).
  returned: success
  type: bool
  sample: true
reboot_pending:
  description: True while a change is not booted yet - this run's, or an earlier one's recorded in I(reboot_marker).
  returned: success
  type: bool
  sample: true
changes:
  description: What was done (would be done, in check mode), one entry per setting that changed.
  returned: success
  type: list
  elements: str
  sample: ["changed dtparam=pciex1_gen=2 to dtparam=pciex1_gen=3 in [all]"]
settings:
  description: Each declared setting after the task - kind, name, value, params, state, section, its line (1-based; null when absent) and text.
  returned: success
  type: list
  elements: dict
  sample: [{"kind": "dtparam", "name": "pciex1_gen", "value": "3", "params": {}, "state": "present", "section": "all", "line": 53,
            "text": "dtparam=pciex1_gen=3"}]
backup_file:
  description: The copy of the original, when I(backup=true) and the file changed.
  returned: changed and backup is true
  type: str
  sample: /boot/firmware/config.txt.20261201T213000Z.4242.bak
diff:
  description: The file before and after.
  returned: when diff mode is enabled
  type: dict
module_build:
  description: The native build that answered, C(linux-x64) or C(linux-arm64).
  returned: always
  type: str
  sample: linux-arm64
'''

from ansible_collections.zfsansible.zfs.plugins.module_utils.native_docs import docs_only_main


def main():
    # settings.key names a config.txt setting, not a secret.
    docs_only_main(DOCUMENTATION, 'pi_boot_config', no_log={'settings.key': False}, suboption_relations={
        'settings': dict(
            mutually_exclusive=[['dtparam', 'dtoverlay', 'key']],
            required_one_of=[['dtparam', 'dtoverlay', 'key']],
        ),
    })


if __name__ == '__main__':
    main()
