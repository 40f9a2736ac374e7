#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
#
# Documentation only: zfsansible.zfs.pi_pcie_info is answered by the collection's multi-call native binary
# (native/zfsansible_<arch>), dispatched per target architecture by plugins/action/pi_pcie_info.py
# (see module_utils/native_docs.py).

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: pi_pcie_info
short_description: Report the PCIe devices and the link each negotiated; fail when a required kind of device is missing
version_added: 0.1.0
author:
  - ZfsAnsible contributors (@zfsansible)
description:
  - Reads C(/sys/bus/pci/devices) - each device's class, vendor and device ids, current and maximum link speed and
    width - and reports them with the PCIe generation of each speed (C(8.0 GT/s PCIe) is gen 3).
  - Fails when no device of a kind in I(require) is on the bus (for example the SATA controller of a HAT whose cable
    is loose, or before the reboot that enables the connector).
  - Warns when a required device negotiated a lower generation than I(expected_gen) - the link fell back, which a
    flaky cable or a device that cannot run at gen 3 causes.
  - Changes nothing; the same in check mode.
extends_documentation_fragment:
  - zfsansible.zfs.native
options:
  sysfs_root:
    description: Where sysfs is mounted.
    type: path
    default: /sys
  require:
    description: Kinds of device that must be on the bus, by PCI class (SATA 0x0106, NVMe 0x0108, USB 0x0c03, Ethernet 0x0200).
    type: list
    elements: str
    choices: [sata, nvme, usb, ethernet]
    default: []
  expected_gen:
    description: The PCIe generation asked for (1 to 5); a required device whose link is slower gets a warning.
    type: int
seealso:
  - module: zfsansible.zfs.pi_boot_config
'''

EXAMPLES = r'''
- name: The HAT's SATA controller must be visible, at gen 3
  zfsansible.zfs.pi_pcie_info:
    require: [sata]
    expected_gen: 3
  register: pcie

- name: Show the negotiated links
  ansible.builtin.debug:
    msg: "{{ pcie.devices | map(attribute='current_link_speed') | list }}"
'''

RETURN = r'''
msg:
  description: The required devices with their link (or the number of devices when none is required).
  returned: always
  type: str
  sample: "0000:01:00.0 (sata 197b:0585) at 8.0 GT/s PCIe (gen 3)"
devices:
  description: Every PCIe device - address, kind, class, vendor, device, current_link_speed, current_gen, max_link_speed, max_gen, link_width.
  returned: success
  type: list
  elements: dict
  sample: [{"address": "0000:01:00.0", "kind": "sata", "class": "0x010601", "vendor": "0x197b", "device": "0x0585",
            "current_link_speed": "8.0 GT/s PCIe", "current_gen": 3, "max_link_speed": "8.0 GT/s PCIe", "max_gen": 3, "link_width": "1"}]
module_build:
  description: The native build that answered, C(linux-x64) or C(linux-arm64).
  returned: always
  type: str
  sample: linux-arm64
'''

from ansible_collections.zfsansible.zfs.plugins.module_utils.native_docs import docs_only_main


def main():
    docs_only_main(DOCUMENTATION, 'pi_pcie_info')


if __name__ == '__main__':
    main()
