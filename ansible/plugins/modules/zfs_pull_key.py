#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
#
# Documentation only: zfsansible.zfs.zfs_pull_key is answered by the collection's multi-call native binary
# (native/zfsansible_<arch>), dispatched by plugins/action/zfs_pull_key.py.

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: zfs_pull_key
short_description: The backup server's own ssh key pair for pulling, generated on it; returns only the public key
version_added: 0.1.0
author:
  - ZfsAnsible contributors (@zfsansible)
description:
  - Generates an ed25519 key pair without passphrase at I(path) (its directory mode 0700) when it does not
    exist, and returns the public key for M(zfsansible.zfs.zfs_pull_source) to authorize on each source.
  - The private key is never read, returned or printed; it never leaves the host.
extends_documentation_fragment:
  - zfsansible.zfs.native
options:
  path:
    description: The private key file; the public key is C(<path>.pub).
    type: path
    default: /etc/zfsansible/ssh/pull_ed25519
  comment:
    description: The key's comment (one word). Default - C(zfsansible-pull@<hostname>).
    type: str
'''

EXAMPLES = r'''
- name: The backup server's pull key
  zfsansible.zfs.zfs_pull_key:
  register: pull_key
'''

RETURN = r'''
public_key:
  description: The public key line; null in check mode before the key exists.
  returned: success
  type: str
  sample: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... zfsansible-pull@belinda
path:
  description: The private key file.
  returned: success
  type: str
  sample: /etc/zfsansible/ssh/pull_ed25519
module_build:
  description: The native build that answered, C(linux-x64) or C(linux-arm64).
  returned: always
  type: str
  sample: linux-arm64
'''

from ansible_collections.zfsansible.zfs.plugins.module_utils.native_docs import docs_only_main


def main():
    docs_only_main(DOCUMENTATION, 'zfs_pull_key')


if __name__ == '__main__':
    main()
