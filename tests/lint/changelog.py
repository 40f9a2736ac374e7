#!/usr/bin/python3
"""The collection's changelog, kept in antsibull-changelog's format (changelogs/changelog.yaml).

    changelog.py check COLLECTION   the format antsibull-changelog's lint holds it to, every module, filter and role
                                    of the collection listed once with its own short description, the fragments
                                    readable, and CHANGELOG.md what `render` makes of it
    changelog.py render COLLECTION  CHANGELOG.md from changelogs/changelog.yaml (and any pending fragments)

antsibull-changelog itself is neither in Debian nor reachable here, so this does what its `lint` and
`lint-changelog-yaml` check, and what ansible-test's changelog test would hand to it (the fragments).
"""

import datetime
import glob
import os
import re
import sys

import yaml

SEMVER = re.compile(r'^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$')


def load(path):
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f)


def sections(config):
    """Section key -> title, the prelude first, in the configured order."""
    titles = {config['prelude_section_name']: config['prelude_section_title']}
    titles.update({key: title for key, title in config['sections']})
    return titles


def change_problems(where, changes, config):
    titles = sections(config)
    problems = []
    if not isinstance(changes, dict):
        return ['%s: must be a dictionary of sections' % where]
    for key, value in changes.items():
        if key == config['trivial_section_name']:
            continue
        if key not in titles:
            problems.append('%s: unknown section %r (known: %s)' % (where, key, ', '.join(titles)))
        elif key == config['prelude_section_name']:
            if not isinstance(value, str) or not value.strip():
                problems.append('%s: %s must be a non-empty string' % (where, key))
        elif not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append('%s: %s must be a non-empty list of strings' % (where, key))
    return problems


def collection_contents(collection):
    """What the collection holds, with the short description each documents."""
    modules = {}
    for path in sorted(glob.glob(os.path.join(collection, 'plugins/modules/*.py'))):
        documentation = re.search(r"^DOCUMENTATION = r?'''\n(.*?)^'''", open(path, encoding='utf-8').read(), re.M | re.S)
        modules[os.path.basename(path)[:-3]] = yaml.safe_load(documentation.group(1))['short_description']
    filters = {}
    for path in sorted(glob.glob(os.path.join(collection, 'plugins/filter/*.yml'))):
        doc = load(path)['DOCUMENTATION']
        filters[doc['name']] = doc['short_description']
    roles = {}
    for path in sorted(glob.glob(os.path.join(collection, 'roles/*/meta/argument_specs.yml'))):
        roles[path.split(os.sep)[-3]] = load(path)['argument_specs']['main']['short_description']
    return modules, filters, roles


def check(collection):
    config = load(os.path.join(collection, 'changelogs/config.yaml'))
    changelog = load(os.path.join(collection, 'changelogs', config['changes_file']))
    problems = []
    if set(changelog) != {'ancestor', 'releases'}:
        problems.append('changelog.yaml: must have exactly ancestor and releases, has %s' % sorted(changelog))
    listed = {'module': {}, 'filter': {}, 'role': {}}
    for version, release in (changelog.get('releases') or {}).items():
        where = 'release %s' % version
        if not SEMVER.match(str(version)):
            problems.append('%s: not a semantic version' % where)
        unknown = set(release) - {'changes', 'modules', 'plugins', 'objects', 'release_date', 'fragments', 'codename'}
        if unknown:
            problems.append('%s: unknown keys %s' % (where, sorted(unknown)))
        try:
            datetime.date.fromisoformat(str(release.get('release_date')))
        except ValueError:
            problems.append('%s: release_date must be an ISO date' % where)
        problems += change_problems(where, release.get('changes', {}), config)
        entries = [('module', e) for e in release.get('modules', [])]
        entries += [(kind, e) for kind, items in (release.get('plugins') or {}).items() for e in items]
        entries += [(kind, e) for kind, items in (release.get('objects') or {}).items() for e in items]
        for kind, entry in entries:
            if kind not in listed or not isinstance(entry, dict) or not {'name', 'description'} <= set(entry):
                problems.append('%s: %s entry %r needs a name and a description' % (where, kind, entry))
            elif entry['name'] in listed[kind]:
                problems.append('%s: %s %s is new in %s already' % (where, kind, entry['name'], listed[kind][entry['name']][0]))
            else:
                listed[kind][entry['name']] = (version, entry['description'])

    # Every plugin and role is listed as new in exactly one release, with the description its documentation gives.
    for kind, present in zip(('module', 'filter', 'role'), collection_contents(collection)):
        for name in sorted(set(present) - set(listed[kind])):
            problems.append('%s %s is in the collection but in no release' % (kind, name))
        for name in sorted(set(listed[kind]) - set(present)):
            problems.append('%s %s is in the changelog but not in the collection' % (kind, name))
        for name in sorted(set(present) & set(listed[kind])):
            if listed[kind][name][1] != present[name]:
                problems.append('%s %s: the changelog says %r, its documentation %r' % (kind, name, listed[kind][name][1], present[name]))

    fragments_dir = os.path.join(collection, 'changelogs', config['notesdir'])
    for path in sorted(glob.glob(os.path.join(fragments_dir, '*')) + glob.glob(os.path.join(fragments_dir, '.*'))):
        name = os.path.basename(path)
        if name in ('.keep', '.gitkeep'):
            continue
        if name.startswith('.') or os.path.splitext(name)[1] not in ('.yml', '.yaml'):
            problems.append('fragment %s: must be a .yml or .yaml file, not a dotfile' % name)
            continue
        try:
            problems += change_problems('fragment %s' % name, load(path), config)
        except yaml.YAMLError as error:
            problems.append('fragment %s: not YAML (%s)' % (name, str(error).splitlines()[0]))

    markdown = os.path.join(collection, 'CHANGELOG.md')
    if not problems and open(markdown, encoding='utf-8').read() != render(collection):
        problems.append('CHANGELOG.md is not what changelogs/changelog.yaml gives: run tests/lint/changelog.py render')
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def render(collection):
    """CHANGELOG.md: pending fragments first, then each release, newest first (antsibull-changelog's layout)."""
    config = load(os.path.join(collection, 'changelogs/config.yaml'))
    changelog = load(os.path.join(collection, 'changelogs', config['changes_file']))
    titles = sections(config)
    namespace = '%s.' % config['title'] if config.get('use_fqcn') else ''
    out = ['# Changelog of `%s`' % config['title'], '',
           '<!-- Rendered from changelogs/changelog.yaml by tests/lint/changelog.py render: edit that file, not this. -->', '']

    def section(changes):
        for key, title in titles.items():
            value = changes.get(key)
            if not value:
                continue
            out.extend(['### %s' % title, ''])
            out.extend([value.strip(), ''] if isinstance(value, str) else ['- %s' % item for item in value] + [''])

    fragments_dir = os.path.join(collection, 'changelogs', config['notesdir'])
    pending = {}
    for path in sorted(glob.glob(os.path.join(fragments_dir, '*.y*ml'))):
        for key, value in (load(path) or {}).items():
            if isinstance(value, str):
                pending[key] = value
            else:
                pending.setdefault(key, []).extend(value)
    if pending:
        out.extend(['## Unreleased', ''])
        section(pending)

    for version, release in sorted((changelog.get('releases') or {}).items(), key=lambda r: [int(p) for p in re.findall(r'\d+', r[0])[:3]], reverse=True):
        out.extend(['## %s (%s)' % (version, release['release_date']), ''])
        section(release.get('changes', {}))
        lists = [('Modules', release.get('modules', []))]
        lists += [('%s Plugins' % kind.capitalize(), items) for kind, items in sorted((release.get('plugins') or {}).items())]
        lists += [('%ss' % kind.capitalize(), items) for kind, items in sorted((release.get('objects') or {}).items())]
        for title, items in lists:
            if items:
                out.extend(['### New %s' % title, ''])
                out.extend('- `%s%s` - %s' % (namespace, e['name'], e['description']) for e in sorted(items, key=lambda e: e['name']))
                out.append('')
    return '\n'.join(out).rstrip('\n') + '\n'


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('check', 'render'):
        sys.exit(__doc__)
    if sys.argv[1] == 'render':
        sys.stdout.write(render(sys.argv[2]))
        return 0
    return check(sys.argv[2])


if __name__ == '__main__':
    sys.exit(main())
