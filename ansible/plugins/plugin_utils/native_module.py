# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
"""Shared action plugin that dispatches a task to the target's native module binary.

Every module of this collection is answered by one NativeAOT multi-call
executable, built once per architecture as ``native/zfsansible_<arch>``; each
module is ``plugins/modules/<module>_<arch>``, a link to it (for example
``zfs_pool_x86_64`` and ``zfs_pool_aarch64``), and the module name in the
arguments picks the module. ``plugins/modules/<module>.py`` holds only the
documentation. The action plugin ``plugins/action/<module>.py``
is this class; it picks the binary that matches the target and runs it with
Ansible's ordinary binary-module protocol (a JSON arguments file), so check
mode, diff mode, ``no_log`` and verbosity reach the binary through the
``_ansible_*`` keys exactly as they reach a Python module.

The binary crosses the wire once per target user and content (see
``binary_cache``), one for every module: a task whose binary is cached on the target costs one round
trip, with the arguments on stdin where the connection allows it (no become, or
pipelining enabled; never with ``su``), else in an arguments file. The plain
upload of every task remains for ``zfsansible_binary_cache: false`` and
``ANSIBLE_KEEP_REMOTE_FILES``.

The target architecture comes from, in order:

1. the task variable ``zfsansible_native_arch`` (tests and special cases);
2. gathered facts (``ansible_facts.architecture`` / ``userspace_bits`` /
   ``system``) when the play gathered them;
3. ``uname`` in the same round trip that runs the cached binary (or, without
   the cache, one ``uname -s; uname -m; getconf LONG_BIT`` of its own); no
   Python is needed (or assumed) on the target.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
from collections.abc import Sequence

from ansible import constants as C
from ansible.errors import AnsibleAction, AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.module_utils.six import string_types
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.unsafe_proxy import wrap_var
from ansible.utils.vars import merge_hash
from ansible.vars.clean import remove_internal_keys
from ansible_collections.zfsansible.zfs.plugins.plugin_utils import binary_cache

display = Display()

#: Architectures a native build exists for, as they appear in binary names.
SUPPORTED_ARCHITECTURES = ('x86_64', 'aarch64')

#: ``uname -m`` / fact spellings -> architecture suffix of the binary (one table, in binary_cache).
_ARCH_ALIASES = dict((machine, arch) for arch, machines in binary_cache.MACHINES.items() for machine in machines)

#: Task variable that overrides detection.
OVERRIDE_VAR = 'zfsansible_native_arch'

#: Task variables of the target's binary cache: on/off, and where (absolute, or ~/ for the target user's home).
CACHE_VAR = 'zfsansible_binary_cache'
CACHE_DIR_VAR = 'zfsansible_binary_cache_dir'

#: What the binary reads when the arguments come on stdin (ModuleRunner.StdinArgsPath).
STDIN_ARGS = '/dev/stdin'

#: One round trip, POSIX sh only: kernel name, machine, userland word size.
_PROBE_COMMAND = 'uname -s; uname -m; getconf LONG_BIT 2>/dev/null || echo unknown'

# Probe results per host: {host name: (system, machine, userspace bits)}.
# A module-level dict because an action plugin object is created anew for every
# task and every loop item, while this module stays imported for the life of the
# process. Keyed by the host the module runs on (inventory_hostname, or the
# delegate_to host), so one host's answer is never used for another. Ansible
# 2.14 forks a worker process per task and host, so in practice the cache spans
# one task: one probe for all items of a loop (the zfs_pools role loops over
# pools), one per task otherwise. Gathered facts (the `min` subset is enough) or
# zfsansible_native_arch avoid the probe altogether.
_PROBE_CACHE = {}


def _collection_name():
    """``namespace.name`` of the collection this file is installed in."""
    parts = __name__.split('.')
    if len(parts) > 3 and parts[0] == 'ansible_collections':
        return '%s.%s' % (parts[1], parts[2])
    return 'zfsansible.zfs'


def _executable_name(path, arch):
    """The executable's name without its architecture suffix (``zfsansible`` of ``native/zfsansible_x86_64``)."""
    name = os.path.basename(path)
    suffix = '_' + arch
    return name[:-len(suffix)] if name.endswith(suffix) else name


def _modules_dir():
    """``plugins/modules`` of the collection this file is installed in."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'modules')


class NativeModuleAction(ActionBase):
    """Run ``<collection>.<module>_<arch>`` for a task of ``<collection>.<module>``."""

    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        # ActionBase.__init__ sets these per instance; keep them explicit.
        self._supports_check_mode = True
        self._supports_async = False

        if task_vars is None:
            task_vars = {}

        result = super(NativeModuleAction, self).run(tmp, task_vars)
        del tmp  # tmp no longer has any effect

        try:
            if result.get('skipped'):
                return result

            if result.get('invocation', {}).get('module_args'):
                # same as the `normal` action: never echo arguments here (no_log)
                del result['invocation']['module_args']

            module = self.module_leaf_name()
            if self._binary_cache_enabled(task_vars):
                module_result = self._execute_cached(module, dict(self._task.args), task_vars)
            else:
                arch = self._target_architecture(module, task_vars)
                module_result = self._execute_module(
                    module_name=self._native_module_name(module, arch),
                    module_args=dict(self._task.args),
                    task_vars=task_vars,
                )
            result = merge_hash(result, module_result)
        except AnsibleAction as e:
            result.update(e.result)
        finally:
            # remove the remote tmp dir _execute_module created (no async: always ours)
            self._remove_tmp_path(self._connection._shell.tmpdir)

        return result

    # -- names -----------------------------------------------------------------

    def module_leaf_name(self):
        """Short module name from the task's action (``ns.coll.zfs_pool`` or ``zfs_pool``)."""
        return to_text(self._task.action).rsplit('.', 1)[-1]

    def display_name(self, module=None):
        return '%s.%s' % (_collection_name(), module or self.module_leaf_name())

    def _update_module_args(self, module_name, module_args, task_vars):
        super(NativeModuleAction, self)._update_module_args(module_name, module_args, task_vars)
        # Report the module under the name the task used (as Ansible does for any
        # module), not the per-architecture binary name: the binary uses it in
        # messages such as "Unsupported parameters for (zfs_pool) module: ...".
        module_args['_ansible_module_name'] = self._task.action

    def _native_binary_path(self, module, arch):
        """Local path of the binary for ``arch``, or None when it was not built."""
        binary = '%s_%s' % (module, arch)
        context = self._shared_loader_obj.module_loader.find_plugin_with_context(
            '%s.%s' % (_collection_name(), binary), collection_list=self._task.collections)
        resolved = context.resolved and context.plugin_resolved_path
        # The loader falls back to a fuzzy "<name>.*" match; accept only the exact file.
        if not resolved or os.path.basename(to_text(context.plugin_resolved_path)) != binary:
            return None
        return to_text(context.plugin_resolved_path)

    def _native_module_name(self, module, arch):
        """FQCN of the binary for ``arch``; fails clearly when it was not built."""
        binary = '%s_%s' % (module, arch)
        if self._native_binary_path(module, arch) is None:
            raise AnsibleActionFail(
                '%s: the native module for %s is not built: %s was not found in %s. '
                'Build the binaries with ./build.sh build (in the ZfsAnsible repository) '
                'or install a collection artifact that contains them.'
                % (self.display_name(module), arch, binary, _modules_dir()))
        return '%s.%s' % (_collection_name(), binary)

    # -- the target's binary cache ---------------------------------------------

    def _binary_cache_enabled(self, task_vars):
        # Kept remote files are for reading what ran: the plain upload leaves the binary and args there.
        if C.DEFAULT_KEEP_REMOTE_FILES:
            return False
        return boolean(self._host_var(task_vars, CACHE_VAR, True), strict=False)

    def _host_var(self, task_vars, name, default):
        _host, host_vars = self._target_host_and_vars(task_vars)
        value = host_vars.get(name, task_vars.get(name, default))
        return self._templar.template(value) if isinstance(value, str) else value

    def _args_on_stdin(self):
        """Whether the arguments may travel on stdin: where Ansible would pipeline a module."""
        if not self._connection.has_pipelining:
            return False
        become = self._connection.become
        if become is None:
            return True
        if become.name == 'su':
            return False
        # sudo may require a tty (requiretty); pipelining is how a user says it does not.
        try:
            return bool(self._connection.get_option('pipelining'))
        except (KeyError, AttributeError, ValueError):
            return bool(self._play_context.pipelining)

    def _execute_cached(self, module, module_args, task_vars):
        """Run the binary from the target's cache in one round trip; upload it first when it is missing."""
        known = self._known_architecture(module, task_vars)
        paths = {}
        for arch in ([known] if known else SUPPORTED_ARCHITECTURES):
            path = self._native_binary_path(module, arch)
            if path is not None:
                # The file the module's link names: every module shares it, and so its cache entry.
                paths[arch] = os.path.realpath(path)
        if not paths:
            self._native_module_name(module, known or SUPPORTED_ARCHITECTURES[0])  # raises "not built"
        arch, path = next(iter(paths.items()))
        executable = _executable_name(path, arch)
        # The controller's local temporary directory outlives the run (its per-process subdirectory does not).
        store_dir = os.path.dirname(os.path.normpath(C.DEFAULT_LOCAL_TMP)) if C.DEFAULT_LOCAL_TMP else None
        digests = dict((arch, binary_cache.file_digest(path, store_dir)) for arch, path in paths.items())
        try:
            cache_dir = self._host_var(task_vars, CACHE_DIR_VAR, None)
            binary_cache.cache_dir_expression(cache_dir)
        except ValueError as e:
            raise AnsibleActionFail('%s: %s' % (self.display_name(module), e))

        self._update_module_args(module, module_args, task_vars)
        args_data = to_bytes(json.dumps(module_args))
        if self._args_on_stdin():
            args_path, in_data = STDIN_ARGS, args_data
        else:
            args_path, in_data = self._upload_args(args_data), None
        environment = self._compute_environment_string()

        display.vvv('%s: running the cached binary (%s)' % (self.display_name(module), ', '.join(
            '%s_%s-%s' % (executable, arch, digest) for arch, digest in sorted(digests.items()))))
        res = self._low_level_execute_command(
            binary_cache.run_script(cache_dir, executable, digests, known is not None, environment, args_path), sudoable=True, in_data=in_data)
        answer = binary_cache.parse_answer(to_text(res.get('stdout', '')))
        if answer is not None:
            kind, first, second = answer
            if kind == 'unsupported':
                arch = self._map_architecture(module, first, second, None, 'from uname')
                self._native_module_name(module, arch)  # supported but not built here: raises
            arch = self._map_architecture(module, None, first, second, 'from uname')
            display.vvv('%s: %s_%s is not cached on the target; uploading it' % (self.display_name(module), executable, arch))
            uploaded = self._upload_binary(executable, arch, paths[arch])
            res = self._low_level_execute_command(
                binary_cache.install_script(cache_dir, executable, arch, digests[arch], uploaded, environment, args_path),
                sudoable=True, in_data=in_data)
        return self._module_result(res)

    def _known_architecture(self, module, task_vars):
        """The target's architecture when the override, gathered facts or an earlier probe give it; else None."""
        host, host_vars = self._target_host_and_vars(task_vars)
        override = host_vars.get(OVERRIDE_VAR, task_vars.get(OVERRIDE_VAR))
        facts = host_vars.get('ansible_facts') or {}
        if override or facts.get('architecture') or (host or self._play_context.remote_addr) in _PROBE_CACHE:
            return self._target_architecture(module, task_vars)
        return None

    def _tmpdir(self):
        if self._connection._shell.tmpdir is None:
            self._make_tmp_path()
        return self._connection._shell.tmpdir

    def _upload_args(self, args_data):
        tmpdir = self._tmpdir()
        path = self._connection._shell.join_path(tmpdir, 'args')
        self._transfer_data(path, args_data)
        self._fixup_perms2([tmpdir, path], self._get_remote_user(), execute=False)
        return path

    def _upload_binary(self, executable, arch, local_path):
        tmpdir = self._tmpdir()
        path = self._connection._shell.join_path(tmpdir, '%s_%s' % (executable, arch))
        self._transfer_file(local_path, path)
        self._fixup_perms2([tmpdir, path], self._get_remote_user())
        return path

    def _module_result(self, res):
        """The module's answer, parsed and cleaned as ActionBase._execute_module does."""
        data = self._parse_returned_data(res)
        if data.pop('_ansible_suppress_tmpdir_delete', False):
            self._cleanup_remote_tmp = False
        if 'results' in data and (not isinstance(data['results'], Sequence) or isinstance(data['results'], string_types)):
            data['ansible_module_results'] = data.pop('results')
            display.warning("Found internal 'results' key in module return, renamed to 'ansible_module_results'.")
        remove_internal_keys(data)
        for stream in ('stdout', 'stderr'):
            if stream in data and stream + '_lines' not in data:
                data[stream + '_lines'] = (data[stream] or u'').splitlines()
        return wrap_var(data)

    # -- architecture ----------------------------------------------------------

    def _target_host_and_vars(self, task_vars):
        """Name and variables of the host the module will run on (honours delegate_to)."""
        delegate_to = self._task.delegate_to
        if delegate_to:
            delegated = (task_vars.get('ansible_delegated_vars') or {}).get(delegate_to)
            if delegated is not None:
                return delegate_to, delegated
            return delegate_to, {}
        return task_vars.get('inventory_hostname'), task_vars

    def _target_architecture(self, module, task_vars):
        """Binary suffix (one of SUPPORTED_ARCHITECTURES) for the target, or AnsibleActionFail."""
        host, host_vars = self._target_host_and_vars(task_vars)

        override = host_vars.get(OVERRIDE_VAR, task_vars.get(OVERRIDE_VAR))
        if override is not None:
            override = to_text(self._templar.template(override)).strip()
        if override:
            return self._map_architecture(module, None, override, None, 'set by %s' % OVERRIDE_VAR)

        facts = host_vars.get('ansible_facts') or {}
        if facts.get('architecture'):
            return self._map_architecture(
                module, facts.get('system'), to_text(facts['architecture']),
                facts.get('userspace_bits'), 'from gathered facts')

        system, machine, bits = self._probe(module, host)
        return self._map_architecture(module, system, machine, bits, 'from uname')

    def _probe(self, module, host):
        cache_key = host or self._play_context.remote_addr
        if cache_key in _PROBE_CACHE:
            return _PROBE_CACHE[cache_key]

        display.vvv('%s: probing the target architecture with: %s' % (self.display_name(module), _PROBE_COMMAND),
                    host=cache_key)
        res = self._low_level_execute_command(_PROBE_COMMAND, sudoable=False)
        lines = [line.strip() for line in to_text(res.get('stdout', '')).splitlines() if line.strip()]
        if res.get('rc') != 0 or len(lines) < 2:
            raise AnsibleActionFail(
                '%s: could not determine the target architecture (`%s` exited %s: %s). '
                'Gather facts or set %s (x86_64 or aarch64).'
                % (self.display_name(module), _PROBE_COMMAND, res.get('rc'),
                   to_text(res.get('stderr') or res.get('stdout') or '').strip() or 'no output', OVERRIDE_VAR))
        bits = lines[2] if len(lines) > 2 else None
        answer = (lines[0], lines[1], bits)
        _PROBE_CACHE[cache_key] = answer
        return answer

    def _map_architecture(self, module, system, machine, bits, source):
        name = self.display_name(module)
        supported = ', '.join(SUPPORTED_ARCHITECTURES)
        if system and to_text(system).lower() != 'linux':
            raise AnsibleActionFail(
                '%s: no native build for target system %s %s (%s); supported: Linux on %s'
                % (name, system, machine, source, supported))
        bits = to_text(bits).strip() if bits is not None else ''
        arch = _ARCH_ALIASES.get(to_text(machine).strip().lower())
        if arch is None or bits == '32':
            detail = [source]
            if bits == '32':
                detail.insert(0, '32-bit userland')
            raise AnsibleActionFail(
                '%s: no native build for target architecture %s (%s); supported: %s (64-bit userland)'
                % (name, machine, ', '.join(detail), supported))
        return arch


class ArchitectureBinaryAction(ActionBase):
    """The action of every ``<module>_<arch>`` name: those links are one architecture's binary, which the
    module's own action plugin runs; a task that names one directly is refused, so it never skips the dispatch
    (architecture check, binary cache, module name) or runs undocumented. The build writes
    ``plugins/action/<module>_<arch>.py`` as this class for each link it makes."""

    def run(self, tmp=None, task_vars=None):
        leaf = to_text(self._task.action).rsplit('.', 1)[-1]
        module, suffix, _rest = leaf.rpartition('_x86_64' if leaf.endswith('_x86_64') else '_aarch64')
        fqcn = '%s.%s' % (_collection_name(), module)
        return {
            'failed': True,
            'changed': False,
            'msg': '%s is the %s binary of %s, not a module of its own: use %s, which picks the binary for each '
                   'target' % (leaf, suffix[1:], fqcn, fqcn),
        }
