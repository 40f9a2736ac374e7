# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
"""The target's cache of native module binaries: the shell scripts that use it, and their answers.

A binary crosses the wire once per target user and content: it is kept as
``<cache dir>/<executable>_<arch>-<sha256 prefix>`` and every later task runs it
in one round trip. Pure functions only (no connection, no Ansible objects), so
the scripts can be read and tested as text.

The first script (:func:`run_script`) picks the architecture with ``uname``
(unless it is known), runs the cached binary if it is there, and otherwise
prints one ``ZFSANSIBLE-MISS <arch> <userland bits>`` line. After the upload to
Ansible's temporary directory, the second script (:func:`install_script`) copies
the binary into the cache under a temporary name, checks its SHA-256, renames
it into place (two forks never see a half-written file), removes superseded
versions, and runs it; when the cache cannot be used it runs the uploaded file,
as a plain upload would. A cached file that cannot be executed (exit 126/127)
counts as a miss and is installed again. The module runs with the cache
directory as its working directory (every path it takes is absolute).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib
import json
import os
import shlex
import tempfile

#: The cache, per target user ($HOME under become is the become user's).
DEFAULT_CACHE_DIR = '${XDG_CACHE_HOME:-$HOME/.cache}/zfsansible'

#: Binary suffix -> its spellings in ``uname -m`` and in gathered facts.
MACHINES = {
    'x86_64': ('x86_64', 'amd64', 'x64'),
    'aarch64': ('aarch64', 'arm64'),
}

MISS = 'ZFSANSIBLE-MISS'
UNSUPPORTED = 'ZFSANSIBLE-UNSUPPORTED'

#: Superseded versions of a binary are removed when they are this old: a controller
#: still running the previous collection version keeps its copy for a while.
STALE_MINUTES = 60

#: Hex digits of the SHA-256 in a cache file name.
DIGEST_CHARS = 24


# Digests of local files for the life of this process (a loop's items share one worker), keyed by the
# file's identity, size, mtime and ctime, so a rebuilt binary is hashed again.
_DIGESTS = {}

#: File, in the controller's local temporary directory, that keeps digests between tasks and runs: Ansible
#: forks a worker per task, and hashing the 9 MB binary of each architecture costs ~50 ms each time.
DIGEST_STORE = 'zfsansible-digests.json'

#: Entries the store keeps (two architectures of a few installed collection versions).
DIGEST_STORE_ENTRIES = 16


def file_digest(path, store_dir=None):
    """SHA-256 prefix of a local file's content.

    With ``store_dir``, digests are kept in ``store_dir/DIGEST_STORE`` keyed like git's index: device,
    inode, size, mtime and ctime. Rewriting a file changes its ctime, which no user can set back, so
    a stored digest is never that of other content; a store that cannot be read or written is no
    store.
    """
    st = os.stat(path)
    key = '%s:%d:%d:%d:%d:%d' % (os.path.abspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if key in _DIGESTS:
        return _DIGESTS[key]
    stored = _read_store(store_dir)
    digest = stored.get(key)
    if not (isinstance(digest, str) and len(digest) == DIGEST_CHARS):
        sha = hashlib.sha256()
        with open(path, 'rb') as f:
            for block in iter(lambda: f.read(1 << 20), b''):
                sha.update(block)
        digest = sha.hexdigest()[:DIGEST_CHARS]
        _write_store(store_dir, stored, key, digest)
    _DIGESTS[key] = digest
    return digest


def _read_store(store_dir):
    if not store_dir:
        return {}
    try:
        with open(os.path.join(store_dir, DIGEST_STORE)) as f:
            stored = json.load(f)
        return stored if isinstance(stored, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_store(store_dir, stored, key, digest):
    """Adds one digest; the newest entries stay. Written whole to a temporary file and renamed (forks race safely)."""
    if not store_dir:
        return
    entries = [(k, v) for k, v in stored.items() if k != key][-(DIGEST_STORE_ENTRIES - 1):] + [(key, digest)]
    try:
        os.makedirs(store_dir, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix='.' + DIGEST_STORE, dir=store_dir)
        with os.fdopen(handle, 'w') as f:
            json.dump(dict(entries), f)
        os.rename(temporary, os.path.join(store_dir, DIGEST_STORE))
    except OSError:
        pass


def cache_dir_expression(cache_dir):
    """Shell words for the cache directory: the default is expanded on the target; ``~/`` means $HOME there."""
    if cache_dir is None:
        return '"%s"' % DEFAULT_CACHE_DIR
    if cache_dir.startswith('~/'):
        return '"$HOME"/%s' % shlex.quote(cache_dir[2:])
    if not cache_dir.startswith('/'):
        raise ValueError('the binary cache directory must be an absolute path or start with ~/, got: %s' % cache_dir)
    return shlex.quote(cache_dir)


def _select(executable, digests, known):
    """Sets a (architecture) and n (the cached file's name) from ``uname -sm``, or reports an unsupported machine."""
    if known:
        (arch, digest), = digests.items()
        return 'a=%s; n=%s' % (arch, shlex.quote('%s_%s-%s' % (executable, arch, digest)))
    branches = []
    for arch, digest in sorted(digests.items()):
        patterns = '|'.join('Linux/%s' % machine for machine in MACHINES[arch])
        branches.append('%s) a=%s; n=%s ;;' % (patterns, arch, shlex.quote('%s_%s-%s' % (executable, arch, digest))))
    branches.append('*) echo "%s $(uname -sm)"; exit 0 ;;' % UNSUPPORTED)
    return 'set -- $(uname -sm); case "$1/$2" in %s esac' % ' '.join(branches)


# A cache directory is used only when it is ours and nobody else may write to it (so nobody can plant or swap a
# binary under our name), and the binary is run from inside it ("./$n" after cd), so renaming a parent directory
# between the check and the run changes nothing.
_SAFE_DIR = 'cd "$d" 2>/dev/null && [ -O . ] && [ -z "$(find . -prune \\( -perm -020 -o -perm -002 \\) 2>/dev/null)" ]'


def _run_cached(environment, args_path):
    """Runs ./$n from the cache directory; exits with its status, unless it could not be executed at all (126, 127)."""
    return ('if %s && [ -O "./$n" ] && [ -x "./$n" ] && [ -s "./$n" ]; then %s"./$n" %s; r=$?; [ $r -eq 126 ] || [ $r -eq 127 ] || exit $r; fi'
            % (_SAFE_DIR, environment + ' ' if environment else '', shlex.quote(args_path)))


def run_script(cache_dir, executable, digests, known, environment, args_path):
    """Run the cached binary, or print the miss line. ``digests``: {arch: digest}; ``known``: the one arch is certain."""
    return '; '.join(filter(None, [
        'd=%s' % cache_dir_expression(cache_dir),
        _select(executable, digests, known),
        _run_cached(environment, args_path),
        # Not run: take in the arguments, so a writer waiting to send them (sudo with pipelining) sees no broken pipe.
        'cat >/dev/null' if args_path == '/dev/stdin' else None,
        'echo "%s $a $(getconf LONG_BIT 2>/dev/null || echo unknown)"' % MISS,
    ]))


def install_script(cache_dir, executable, arch, digest, uploaded, environment, args_path):
    """Copy the uploaded binary into the cache (checked, under a temporary name, then renamed into place), remove
    superseded versions, and run it; run the upload itself when the cache cannot be used."""
    name = '%s_%s-%s' % (executable, arch, digest)
    install = ' && '.join([
        # A subshell: the umask and the directory change stay here, not in the module's environment.
        '( umask 077',
        '{ [ -d "$d" ] || mkdir -p "$d"; }',
        _SAFE_DIR,
        't=$(mktemp ./.%s.XXXXXX)' % name,
        'cp "$u" "$t"',
        '[ "$(sha256sum <"$t" | cut -c1-%d)" = %s ]' % (DIGEST_CHARS, digest),
        'chmod 0700 "$t"',
        'mv -f "$t" "./$n" || { rm -f "$t"; exit 1; }',
        'find . -maxdepth 1 \\( -name %s ! -name "$n" -o -name %s \\) -mmin +%d -exec rm -f {} + ) 2>/dev/null'
        % (shlex.quote('%s_%s-*' % (executable, arch)), shlex.quote('.%s_*' % executable), STALE_MINUTES),
    ])
    return '; '.join([
        'd=%s' % cache_dir_expression(cache_dir),
        'n=%s' % shlex.quote(name),
        'u=%s' % shlex.quote(uploaded),
        install,
        _run_cached(environment, args_path),
        '%s"$u" %s' % (environment + ' ' if environment else '', shlex.quote(args_path)),
    ])


def parse_answer(stdout):
    """('miss', arch, bits) | ('unsupported', system, machine) | None when the module itself answered.

    The marker is looked for on every line: with a terminal (become without pipelining) warnings of sudo or a
    login script may come first.
    """
    for line in stdout.splitlines():
        words = line.strip().split()
        if words and words[0] == MISS and len(words) == 3:
            return ('miss', words[1], words[2])
        if words and words[0] == UNSUPPORTED:
            return ('unsupported', words[1] if len(words) > 1 else 'unknown', words[2] if len(words) > 2 else 'unknown')
    return None
