#!/usr/bin/python3
"""Checks that every declaration of a module's options agrees with the native module's own spec.

The C# ArgumentSpec is the one declaration; `zfsansible --argument-specs` prints it in ansible-core's terms. This
compares it with what a user and the linters meet:

  MODULE          the docs stub: the argument_spec and relation keywords it hands AnsibleModule (captured the way
                  ansible-lint's args rule does), which it builds from its DOCUMENTATION
  role:ROLE       a role whose argument_specs declare a module's options for the items of one variable
  cli:PROGRAM     the `PROGRAM run` command line: each flag reaches a module option (--no-X sets X false, a
                  repeatable --dataset fills datasets) with the module's default, and each option has a flag

usage: check_options.py ZFSANSIBLE_BINARY COLLECTION_DIR SUBJECT...
Prints one line per difference and exits 1 when there is any.
"""

import importlib.util
import json
import os
import re
import subprocess
import sys

import yaml
from ansible.module_utils import basic

# Role options that hand each item to a module: (role, entry point, option) -> module.
ROLE_MIRRORS = {
    ('zfs_pools', 'main', 'zfs_pools'): 'zfs_pool',
}

# The `run` faces: flags that are the command line's own, and module options it reaches another way.
CLI_ONLY_FLAGS = ('--dry-run', '--json', '--options-file', '--help', '--version')
CLI_MODULE_ONLY = {
    'zfs_snapshot_prune': (),
    'zfs_replicate': ('replica_retention',),  # a dict of keep rules: given in --options-file (what timers save)
}

GROUP_KEYWORDS = ('mutually_exclusive', 'required_together', 'required_one_of')
RELATION_KEYWORDS = GROUP_KEYWORDS + ('required_if', 'required_by')
OPTION_KEYS = ('type', 'required', 'default', 'choices', 'elements', 'no_log', 'aliases')


class _Captured(Exception):
    def __init__(self, kwargs):
        super().__init__('captured')
        self.kwargs = kwargs


class _CapturingModule(object):
    def __init__(self, **kwargs):
        raise _Captured(kwargs)


def stub_keywords(collection, module):
    """The keywords the docs stub passes to AnsibleModule, as ansible-lint's args rule sees them."""
    path = os.path.join(collection, 'plugins', 'modules', module + '.py')
    spec = importlib.util.spec_from_file_location('stub_' + module, path)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    real, basic.AnsibleModule = basic.AnsibleModule, _CapturingModule
    saved_argv, sys.argv = sys.argv, ['', json.dumps({'ANSIBLE_MODULE_ARGS': {}})]
    try:
        loaded.main()
    except _Captured as captured:
        return captured.kwargs
    finally:
        basic.AnsibleModule, sys.argv = real, saved_argv
    raise AssertionError('%s: main() never built an AnsibleModule' % module)


def normal_options(options):
    """An argument_spec with what ansible-core treats as unset left out, relations in a comparable form."""
    result = {}
    for name, option in (options or {}).items():
        entry = {'type': option.get('type', 'str')}
        for key in OPTION_KEYS[1:]:
            value = option.get(key)
            # Unset in ansible-core's terms: no default, required or no_log false. (A default of false or 0 is kept.)
            if value is None or (value is False and key in ('required', 'no_log')):
                continue
            entry[key] = value
        if option.get('options'):
            entry['options'] = normal_options(option['options'])
        entry.update(normal_relations(option))
        result[name] = entry
    return result


def normal_relations(keywords):
    result = {}
    for keyword in GROUP_KEYWORDS:
        if keywords.get(keyword):
            result[keyword] = sorted(sorted(group) for group in keywords[keyword])
    if keywords.get('required_if'):
        result['required_if'] = sorted(
            [rule[0], rule[1], sorted(rule[2]), bool(rule[3]) if len(rule) > 3 else False]
            for rule in keywords['required_if'])
    if keywords.get('required_by'):
        result['required_by'] = dict(
            (key, sorted([value] if isinstance(value, str) else value))
            for key, value in keywords['required_by'].items())
    return result


def differences(where, expected, actual):
    """Each place where the two specs disagree, as a readable line."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                yield '%s.%s: the native spec has %s, the declaration has nothing' % (where, key, json.dumps(expected[key]))
            elif key not in expected:
                yield '%s.%s: declared as %s, the native spec has nothing' % (where, key, json.dumps(actual[key]))
            else:
                for line in differences('%s.%s' % (where, key), expected[key], actual[key]):
                    yield line
    elif expected != actual or type(expected) is not type(actual):  # False == 0 in Python, not in a spec
        yield '%s: the native spec has %s, the declaration %s' % (where, json.dumps(expected), json.dumps(actual))


def native_spec(specs, module):
    spec = specs[module]
    return {'argument_spec': normal_options(spec['argument_spec']), 'relations': normal_relations(spec)}


def check_module(specs, collection, module):
    keywords = stub_keywords(collection, module)
    declared = {'argument_spec': normal_options(keywords.get('argument_spec')), 'relations': normal_relations(keywords)}
    return list(differences('plugins/modules/%s.py' % module, native_spec(specs, module), declared))


def check_role(specs, collection, role):
    path = os.path.join(collection, 'roles', role, 'meta', 'argument_specs.yml')
    with open(path) as handle:
        entry_points = yaml.safe_load(handle)['argument_specs']
    mirrors = [(key, module) for key, module in ROLE_MIRRORS.items() if key[0] == role]
    if not mirrors:
        return ['roles/%s: no option of it is known to hand its items to a module' % role]
    found = []
    for (_, entry_point, option), module in mirrors:
        declared = entry_points[entry_point]['options'][option]
        where = 'roles/%s/meta/argument_specs.yml %s.%s.options' % (role, entry_point, option)
        found.extend(differences(where, native_spec(specs, module),
                                 {'argument_spec': normal_options(declared.get('options')),
                                  'relations': normal_relations(declared)}))
    return found


def cli_flags(binary, program):
    """(flag, default shown or None) for each option `PROGRAM run --help` lists."""
    shown = subprocess.run([binary, program, 'run', '--help'], check=True, stdout=subprocess.PIPE,
                           universal_newlines=True).stdout
    flags = []
    for match in re.finditer(r'^  (?:-\w, )?(--[\w-]+)\s+(?:\(Default: ([^)]*)\))?', shown, re.MULTILINE):
        flags.append((match.group(1), match.group(2)))
    return flags


def check_cli(specs, binary, program):
    options = specs[program]['argument_spec']
    where = '%s run' % program
    found, reached = [], set()
    for flag, shown_default in cli_flags(binary, program):
        if flag in CLI_ONLY_FLAGS:
            continue
        word = flag[2:].replace('-', '_')
        negated = word.startswith('no_') and word[3:] in options
        name = word[3:] if negated else next((n for n in (word, word + 's') if n in options), None)
        if name is None:
            found.append('%s %s: reaches no option of the module' % (where, flag))
            continue
        reached.add(name)
        option = options[name]
        default = option.get('default')
        if negated and default is not True:
            found.append('%s %s: sets %s false, but the module defaults it to %s' % (where, flag, name, json.dumps(default)))
        elif option['type'] == 'bool' and not negated and default not in (False, None):
            found.append('%s %s: sets %s true, but the module defaults it to %s' % (where, flag, name, json.dumps(default)))
        elif shown_default is not None and str(shown_default) != str(default):
            found.append('%s %s: defaults to %s, the module to %s' % (where, flag, shown_default, json.dumps(default)))
    for name in sorted(set(options) - reached - set(CLI_MODULE_ONLY[program])):
        found.append('%s: no flag reaches the module option %s' % (where, name))
    return found


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    binary, collection, subjects = argv[1], argv[2], argv[3:]
    # The stubs import the collection's module_utils as ansible_collections.zfsansible.zfs.…
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(collection))))
    specs = json.loads(subprocess.run([binary, '--argument-specs'], check=True, stdout=subprocess.PIPE).stdout)
    found = []
    for subject in subjects:
        if subject.startswith('role:'):
            found.extend(check_role(specs, collection, subject[len('role:'):]))
        elif subject.startswith('cli:'):
            found.extend(check_cli(specs, binary, subject[len('cli:'):]))
        elif subject not in specs:
            found.append('%s: the native executable has no such module (it has: %s)' % (subject, ', '.join(sorted(specs))))
        else:
            found.extend(check_module(specs, collection, subject))
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
