#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
#
# Documentation only: zfsansible.zfs.zfs_pull_source is answered by the collection's multi-call native binary
# (native/zfsansible_<arch>), dispatched by plugins/action/zfs_pull_source.py.

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: zfs_pull_source
short_description: Authorize a backup server's key on a source, restricted to zfs_replicate serve for its datasets
version_added: 0.1.0
author:
  - ZfsAnsible contributors (@zfsansible)
description:
  - Installs the target architecture's C(zfs_replicate) at C(/usr/local/lib/zfsansible/zfs_replicate)
    (replaced only when its bytes differ) and sets the key's line in I(authorized_keys) to
    C(restrict,command="/usr/local/lib/zfsansible/zfs_replicate serve --allow DATASET ...") followed by the key.
  - With it the key can only do what a pull needs - read and list the allowed datasets and everything
    below them, send them (full, incremental, resumed), hold and release replication tags and mark the
    replication base. Anything else (C(zfs destroy), a shell, another dataset, another option) is refused
    with its reason on the pull's stderr and in the source's system log (facility auth).
  - C(access=receive) authorizes the key of an offsite push instead (the target runs C(zfs recv)) - with
    C(restrict) only (no pty, no forwarding); its commands are not limited.
  - Every other line of the file stays as it is; the line is found by the key itself, so a changed
    I(allow) replaces it. C(state=absent) removes it.
extends_documentation_fragment:
  - zfsansible.zfs.native
options:
  public_key:
    description: The backup server's public key line (M(zfsansible.zfs.zfs_pull_key)'s C(public_key)).
    type: str
    required: true
  allow:
    description:
      - The datasets the key may read and send, each with everything below it. Required with C(access=serve).
      - The pull must name them as its C(source_roots) or C(datasets) - serve does not list the pools.
    type: list
    elements: str
    default: []
  access:
    description: C(serve) for a source; C(receive) for the target of an offsite push.
    type: str
    choices: [serve, receive]
    default: serve
  authorized_keys:
    description: The authorized_keys file of the user the backup server logs in as.
    type: path
    default: /root/.ssh/authorized_keys
  state:
    description: C(present) sets the line; C(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Let belinda pull tank/documents and tank/docker, nothing else
  zfsansible.zfs.zfs_pull_source:
    public_key: "{{ hostvars['belinda'].backups_zfs_server_pull_key.public_key }}"
    allow: [tank/documents, tank/docker]
'''

RETURN = r'''
line:
  description: The authorized_keys line of the key (null when removed).
  returned: success
  type: str
  sample: restrict,command="/usr/local/lib/zfsansible/zfs_replicate serve --allow tank/documents" ssh-ed25519 AAAA... zfsansible-pull@belinda
program_path:
  description: Where C(zfs_replicate) is installed for the forced command (null with C(access=receive)).
  returned: success
  type: str
  sample: /usr/local/lib/zfsansible/zfs_replicate
authorized_keys:
  description: The file changed.
  returned: success
  type: str
  sample: /root/.ssh/authorized_keys
diff:
  description: The key's line before and after.
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
    docs_only_main(DOCUMENTATION, 'zfs_pull_source')


if __name__ == '__main__':
    main()
