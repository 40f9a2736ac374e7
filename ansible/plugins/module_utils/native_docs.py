# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
"""The one body of every docs-only module stub (plugins/modules/<name>.py).

The modules are native binaries run by their action plugin; the stub holds the documentation so that
ansible-doc shows and lists them. If a stub is ever executed, it validates the task's arguments against
its DOCUMENTATION (so ansible-lint's args rule checks tasks) and then fails with a clear message.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import sys


def _message(module):
    return ('zfsansible.zfs.%s is a native module dispatched by its action plugin; this Python file only '
            'holds its documentation. Run it as a task of zfsansible.zfs.%s (the action plugin copies the '
            '%s_<arch> binary for the target) and build the binaries with ./build.sh build if they are '
            'missing.' % (module, module, module))


def _argument_spec(options):
    """Ansible argument_spec from the DOCUMENTATION options (one source of truth)."""
    spec = {}
    for name, option in options.items():
        entry = {'type': option.get('type', 'str')}
        for key in ('required', 'default', 'choices', 'elements', 'aliases'):
            if key in option:
                entry[key] = option[key]
        if 'suboptions' in option:
            entry['options'] = _argument_spec(option['suboptions'])
        spec[name] = entry
    return spec


def _fail_plain(module):
    # Only where AnsibleModule cannot answer (outside Ansible, or without it installed): print and exit are all there is.
    print(json.dumps({'failed': True, 'msg': _message(module)}))  # pylint: disable=ansible-bad-function
    sys.exit(1)  # pylint: disable=ansible-bad-function


def docs_only_main(documentation, module, suboption_relations=None, no_log=None, **relations):
    """Validate the arguments against the documentation, then fail: the real module is native.

    relations are AnsibleModule's keywords (mutually_exclusive, required_one_of, required_if, required_by, ...);
    suboption_relations maps an option with suboptions to its own; no_log maps an option's dotted path
    (``ssh_key``, ``settings.key``) to its no_log. DOCUMENTATION has no place for these, so the stub declares them;
    the lint tier checks all of it against the native module's spec (zfsansible --argument-specs).
    """
    # Run outside Ansible (no arguments, interactive): say what this is, do not wait on stdin.
    if len(sys.argv) < 2 and sys.stdin is not None and sys.stdin.isatty():
        _fail_plain(module)
    try:
        from ansible.module_utils.basic import AnsibleModule
        from ansible.module_utils.common.yaml import HAS_YAML, yaml_load
    except ImportError:
        _fail_plain(module)
    if not HAS_YAML:
        # No spec without PyYAML (only ansible-test's import sandbox lacks it: Ansible itself needs it).
        AnsibleModule(argument_spec={}, supports_check_mode=True).fail_json(msg=_message(module))

    argument_spec = _argument_spec(yaml_load(documentation)['options'])
    for name, keywords in (suboption_relations or {}).items():
        argument_spec[name].update(keywords)
    for path, value in (no_log or {}).items():
        entry = argument_spec
        for part in path.split('.')[:-1]:
            entry = entry[part]['options']
        entry[path.split('.')[-1]]['no_log'] = value
    ansible_module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **relations)
    ansible_module.fail_json(msg=_message(module))
