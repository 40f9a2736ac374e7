#!/usr/bin/env bash
# A small stand-in for Molecule (not packaged for Debian 12, and PyPI is out of reach here):
# runs one delegated scenario's test sequence with the real ansible-playbook.
#
#   tests/molecule-run.sh SCENARIO_DIR        e.g. extensions/molecule/zfs_pools
#
# Reads SCENARIO_DIR/molecule.yml: platforms (host names, groups), provisioner.inventory
# (hosts / host_vars / group_vars, or links to inventory files), provisioner.env,
# provisioner.config_options, provisioner.playbooks and scenario.test_sequence (default:
# Molecule's own). Steps: dependency (only when enabled and a requirements file exists),
# cleanup, destroy, syntax (--syntax-check of every playbook the scenario has), create,
# prepare, converge, idempotence (converge again; fails when the PLAY RECAP shows any
# changed=N > 0), side_effect, verify. As Molecule (>= 6) does for a delegated driver,
# create.yml and destroy.yml are run when they exist. The layout is Molecule's for a
# collection: extensions/molecule/<scenario>/, scenario.name equal to the folder's name
# (Molecule finds scenarios by folder; a different name fails here).
#
# Output: one line per step, `ok: <scenario> <step>` or `FAILED: <scenario> <step>`; a
# failure is followed by the last 30 lines of the step's output, indented (so no line of
# Ansible's own output starts with "ok: "). A step whose playbook the scenario lacks prints
# `skipped: <scenario> <step> (...)` (counted neither way), as Molecule skips it.
# Full logs: artifacts/logs/molecule/<scenario>/NN-<step>.log.
# Failures of cleanup/destroy before create are ignored (nothing may exist yet). After a
# failed step only the remaining cleanup/destroy steps run. Exit status 1 when a step
# failed, 2 on bad usage.
#
# Environment:
#   ANSIBLE_COLLECTIONS_PATH  default $ROOT/artifacts/collections/ansible_collections (./build.sh build)
#   ZFS_SANDBOX_DIR           default a fresh mktemp -d /tmp/zfsansible-molecule.XXXX, which is
#                             removed at the end with `tests/sandbox/zfs-sandbox.sh cleanup`
#                             (a directory you pass in is left alone)
#   MOLECULE_TAIL             lines of output shown for a failed step (default 30)
# The ZFS daemon must already answer (`tests/sandbox/zfs-sandbox.sh start`, as ./build.sh test does).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SANDBOX_SCRIPT=$ROOT/tests/sandbox/zfs-sandbox.sh
TAIL_LINES=${MOLECULE_TAIL:-30}

usage() { echo "usage: $0 SCENARIO_DIR   (a directory holding molecule.yml)" >&2; exit 2; }
[ $# -eq 1 ] || usage
[ -f "$1/molecule.yml" ] || { echo "molecule-run: $1/molecule.yml not found" >&2; usage; }
command -v ansible-playbook >/dev/null || { echo "molecule-run: ansible-playbook is not installed" >&2; exit 2; }

SCENARIO_DIR=$(cd "$1" && pwd)
SCENARIO=$(basename "$SCENARIO_DIR")

export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$ROOT/artifacts/collections/ansible_collections}
export ANSIBLE_NOCOLOR=1
export ANSIBLE_HOST_KEY_CHECKING=False
export ANSIBLE_RETRY_FILES_ENABLED=False
unset ANSIBLE_FORCE_COLOR

OWN_SANDBOX=false
if [ -z "${ZFS_SANDBOX_DIR:-}" ]; then
  ZFS_SANDBOX_DIR=$(mktemp -d /tmp/zfsansible-molecule.XXXX) || { echo "molecule-run: mktemp failed" >&2; exit 2; }
  OWN_SANDBOX=true
fi
export ZFS_SANDBOX_DIR

# Molecule's own variables, for playbooks and for ${...} in provisioner.env.
EPHEMERAL=$(mktemp -d /tmp/zfsansible-molecule-run.XXXX) || { echo "molecule-run: mktemp failed" >&2; exit 2; }
export MOLECULE_PROJECT_DIRECTORY=$(dirname "$(dirname "$SCENARIO_DIR")")   # where `molecule test` runs: extensions/
export MOLECULE_SCENARIO_DIRECTORY=$SCENARIO_DIR
export MOLECULE_EPHEMERAL_DIRECTORY=$EPHEMERAL
export MOLECULE_INVENTORY_FILE=$EPHEMERAL/inventory.yml
export MOLECULE_DRIVER_NAME=default
export MOLECULE_SCENARIO_NAME=${SCENARIO_DIR##*/}   # scenario.name, once molecule.yml is read

LOG_DIR=$ROOT/artifacts/logs/molecule/$SCENARIO
mkdir -p "$LOG_DIR"
rm -f "$LOG_DIR"/*.log

# shellcheck disable=SC2317  # invoked by the EXIT trap
finish() {
  rm -rf "$EPHEMERAL"
  if $OWN_SANDBOX; then
    "$SANDBOX_SCRIPT" cleanup "$ZFS_SANDBOX_DIR" >/dev/null 2>&1 || rm -rf "$ZFS_SANDBOX_DIR"
  fi
}
trap finish EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- molecule.yml

# Writes the inventory (and an ansible.cfg when config_options are set) into $EPHEMERAL
# and prints shell assignments for the rest of the run.
SETTINGS=$(python3 - "$SCENARIO_DIR" "$EPHEMERAL" <<'PY'
import os, shlex, sys
import yaml

scenario_dir, ephemeral = sys.argv[1], sys.argv[2]
with open(os.path.join(scenario_dir, 'molecule.yml')) as f:
    # Molecule expands $VAR / ${VAR} in the whole file before parsing it.
    config = yaml.safe_load(os.path.expandvars(f.read())) or {}

def out(name, value):
    print('%s=%s' % (name, shlex.quote(str(value))))

scenario = config.get('scenario') or {}
provisioner = config.get('provisioner') or {}
dependency = config.get('dependency') or {}
driver_options = (config.get('driver') or {}).get('options') or {}

default_sequence = ['dependency', 'cleanup', 'destroy', 'syntax', 'create', 'prepare', 'converge',
                    'idempotence', 'side_effect', 'verify', 'cleanup', 'destroy']
out('SCENARIO_NAME', scenario.get('name', 'default'))
out('TEST_SEQUENCE', ' '.join(scenario.get('test_sequence') or default_sequence))
out('DEPENDENCY_ENABLED', 'true' if dependency.get('enabled', True) and dependency.get('name', 'galaxy') == 'galaxy' else 'false')
requirements = (dependency.get('options') or {}).get('requirements-file') or 'requirements.yml'
out('DEPENDENCY_FILE', os.path.join(scenario_dir, requirements))

playbooks = dict(provisioner.get('playbooks') or {})
for step in ('create', 'prepare', 'converge', 'side_effect', 'verify', 'cleanup', 'destroy'):
    name = playbooks.get(step, step + '.yml')
    out('PLAYBOOK_' + step, os.path.join(scenario_dir, name))

for key, value in (provisioner.get('env') or {}).items():
    print('export %s=%s' % (key, shlex.quote(os.path.expandvars(str(value)))))

inventory = provisioner.get('inventory') or {}
links = inventory.get('links') or {}
if links.get('hosts'):
    # The scenario brings its own inventory (file or directory); group_vars/host_vars links
    # are picked up by Ansible when they sit beside it, as Molecule's links would make them.
    sources = [os.path.join(scenario_dir, links['hosts'])]
else:
    host_vars = inventory.get('host_vars') or {}
    group_vars = inventory.get('group_vars') or {}
    hosts_extra = inventory.get('hosts') or {}
    platforms = config.get('platforms') or [{'name': 'localhost'}]
    all_group = {'hosts': {}, 'vars': dict(group_vars.get('all') or {}), 'children': {}}
    for platform in platforms:
        name = platform['name']
        hv = dict(host_vars.get(name) or {})
        if name in ('localhost', '127.0.0.1'):
            # Delegated scenario on the controller itself.
            hv.setdefault('ansible_connection', 'local')
        all_group['hosts'][name] = hv
        for group in platform.get('groups') or []:
            child = all_group['children'].setdefault(group, {'hosts': {}})
            child['hosts'][name] = {}
            if group_vars.get(group):
                child['vars'] = dict(group_vars[group])
    # provisioner.inventory.hosts is an inventory of its own (all: hosts/children/vars): merge it.
    extra_all = hosts_extra.get('all') or {}
    for name, hv in (extra_all.get('hosts') or {}).items():
        all_group['hosts'].setdefault(name, {}).update(hv or {})
    all_group['vars'].update(extra_all.get('vars') or {})
    for group, body in (extra_all.get('children') or {}).items():
        all_group['children'].setdefault(group, {}).update(body or {})
    for key in ('vars', 'children'):
        if not all_group[key]:
            del all_group[key]
    path = os.path.join(ephemeral, 'inventory.yml')
    with open(path, 'w') as f:
        yaml.safe_dump({'all': all_group}, f, default_flow_style=False)
    sources = [path]
out('INVENTORY', sources[0])

config_options = provisioner.get('config_options') or {}
if config_options:
    path = os.path.join(ephemeral, 'ansible.cfg')
    with open(path, 'w') as f:
        for section, options in config_options.items():
            f.write('[%s]\n' % section)
            for key, value in (options or {}).items():
                if isinstance(value, bool):
                    value = 'True' if value else 'False'
                f.write('%s = %s\n' % (key, value))
    print('export ANSIBLE_CONFIG=%s' % shlex.quote(path))
PY
) || { echo "molecule-run: cannot read $SCENARIO_DIR/molecule.yml" >&2; exit 2; }
eval "$SETTINGS"
export MOLECULE_SCENARIO_NAME=$SCENARIO_NAME
[ "$SCENARIO_NAME" = "$SCENARIO" ] || { echo "FAILED: $SCENARIO scenario.name is '$SCENARIO_NAME': Molecule names a scenario by its folder"; exit 1; }

# ---------------------------------------------------------------- steps

STEP_NO=0
ANY_FAILED=false
STARTED=false   # set by the first create/prepare/converge: cleanup/destroy failures count from then on

playbook_for() { local var=PLAYBOOK_$1; printf '%s' "${!var:-}"; }

run_playbook() {  # LOG PLAYBOOK [ARGS...]
  local log=$1; shift
  ansible-playbook -i "$INVENTORY" "$@" >>"$log" 2>&1
}

# Sum of changed=N over the PLAY RECAP lines of a log; empty when there is no recap.
recap_changed() {
  awk '/^PLAY RECAP/ { recap = 1; found = 1; next }
       recap && /changed=[0-9]+/ { match($0, /changed=[0-9]+/); total += substr($0, RSTART + 8, RLENGTH - 8) }
       recap && /^$/ { recap = 0 }
       END { if (found) print total + 0 }' "$1"
}

step() {  # STEP: runs it, sets STEP_RC (0 ok, 1 failed, 2 failed but ignored, 3 skipped) and the log path
  local name=$1 playbook
  STEP_NO=$((STEP_NO + 1))
  STEP_LOG=$LOG_DIR/$(printf '%02d' "$STEP_NO")-$name.log
  : >"$STEP_LOG"
  case "$name" in
    dependency)
      if [ "$DEPENDENCY_ENABLED" = true ] && [ -f "$DEPENDENCY_FILE" ]; then
        ansible-galaxy install -r "$DEPENDENCY_FILE" >>"$STEP_LOG" 2>&1 && return 0 || return 1
      fi
      return 3
      ;;
    syntax)
      local s checked=0 rc=0
      for s in create prepare converge side_effect verify cleanup destroy; do
        playbook=$(playbook_for "$s")
        [ -f "$playbook" ] || continue
        checked=$((checked + 1))
        echo "== ansible-playbook --syntax-check $playbook" >>"$STEP_LOG"
        run_playbook "$STEP_LOG" --syntax-check "$playbook" || rc=1
      done
      [ "$checked" -gt 0 ] || { echo "no playbook to check" >>"$STEP_LOG"; return 1; }
      return $rc
      ;;
    idempotence)
      playbook=$(playbook_for converge)
      [ -f "$playbook" ] || { echo "no converge playbook: $playbook" >>"$STEP_LOG"; return 1; }
      run_playbook "$STEP_LOG" "$playbook" || return 1
      local changed
      changed=$(recap_changed "$STEP_LOG")
      if [ -z "$changed" ]; then
        echo "molecule-run: no PLAY RECAP in the second converge" >>"$STEP_LOG"
        return 1
      fi
      if [ "$changed" -ne 0 ]; then
        {
          echo "molecule-run: idempotence failed: the second converge changed $changed task(s):"
          grep -E '^(TASK \[|changed: )' "$STEP_LOG" | grep -B1 '^changed: ' | grep -v '^--$'
        } >>"$STEP_LOG.tmp"
        cat "$STEP_LOG.tmp" >>"$STEP_LOG"; rm -f "$STEP_LOG.tmp"
        return 1
      fi
      return 0
      ;;
    create|prepare|converge|side_effect|verify|cleanup|destroy)
      playbook=$(playbook_for "$name")
      if [ ! -f "$playbook" ]; then
        # Molecule skips a step whose playbook the scenario does not have, except converge.
        [ "$name" = converge ] && { echo "no converge playbook: $playbook" >>"$STEP_LOG"; return 1; }
        return 3
      fi
      if run_playbook "$STEP_LOG" "$playbook"; then return 0; fi
      if { [ "$name" = cleanup ] || [ "$name" = destroy ]; } && ! $STARTED; then return 2; fi
      return 1
      ;;
    *)
      echo "molecule-run: unknown step '$name' in scenario.test_sequence" >>"$STEP_LOG"
      return 1
      ;;
  esac
}

SKIPPED_AFTER_FAILURE=()
for name in $TEST_SEQUENCE; do
  if $ANY_FAILED && [ "$name" != cleanup ] && [ "$name" != destroy ]; then
    SKIPPED_AFTER_FAILURE+=("$name")
    continue
  fi
  case "$name" in create|prepare|converge) STARTED=true ;; esac
  step "$name"
  rc=$?
  case $rc in
    0) echo "ok: $SCENARIO $name" ;;
    2) echo "ok: $SCENARIO $name (failure ignored: nothing to tear down before create; log: ${STEP_LOG#"$ROOT"/})" ;;
    3) rm -f "$STEP_LOG"
       [ "$name" = dependency ] || echo "skipped: $SCENARIO $name (the scenario has no $(basename "$(playbook_for "$name")"))" ;;
    *)
      ANY_FAILED=true
      echo "FAILED: $SCENARIO $name (log: ${STEP_LOG#"$ROOT"/})"
      tail -n "$TAIL_LINES" "$STEP_LOG" | sed 's/^/    /'
      ;;
  esac
done
if [ ${#SKIPPED_AFTER_FAILURE[@]} -gt 0 ]; then
  echo "    (not run after the failure: ${SKIPPED_AFTER_FAILURE[*]})"
fi

$ANY_FAILED && exit 1
exit 0
