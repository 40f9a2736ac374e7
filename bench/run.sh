#!/usr/bin/env bash
# ZfsAnsible benchmarks (docs/architecture.md, Benchmarks). Run by `./build.sh bench` after the build:
#   ZFSANSIBLE_ROOT=<repo> bench/run.sh [SECTION...]
# Sections (all by default): size startup prune-scale rss task ssh pi-config datasets replicate replicate-guest sanoid
# sanoid-scale api vm.
# Prints one line per benchmark on stdout:
#   BENCH <id> ours=<value><unit> theirs=<value><unit> ratio=<ours/theirs>
# Everything else (progress, notes) goes to stderr. The numbers never fail the run; the exit status
# is non-zero only when a benchmark could not run, and the benchmarks that could not are named.
# See bench/README.md for what each benchmark compares against and why.
set -euo pipefail

ROOT=${ZFSANSIBLE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ART=$ROOT/artifacts
PUBLISH=$ART/publish
COLLECTIONS_PATH=$ART/collections/ansible_collections
SANDBOX_SCRIPT=$ROOT/tests/sandbox/zfs-sandbox.sh
# Pool vdevs live here (a fixed path under artifacts/, so a pool left by a killed run is recognisably ours).
SANDBOX_DIR=$ART/bench/sandbox
POOL=benchpool
TASKS=20                                   # tasks per playbook in the task-* benchmarks
# The datasets-* benchmarks: their own pool (512M vdev in SANDBOX_DIR/DSP_POOL, mounted below it), DSP_COUNT datasets
# DSP_POOL/d01.. converged at once, NOOP_TASKS single-dataset no-op tasks per playbook.
DSP_POOL=benchdsp
DSP_DIR=$SANDBOX_DIR/$DSP_POOL
DSP_COUNT=50
NOOP_TASKS=10
# The same properties on both sides. community.general.zfs compares the value given with `zfs get -p` output, so it
# gets recordsize in bytes (given as 64K it would run `zfs set recordsize=64K` in every "no-op" task); ours compares
# values as ZFS reports them and is given the usual 64K.
OURS_PROPS='{compression: "on", atime: "off", recordsize: 64K}'
THEIRS_PROPS='{compression: "on", atime: "off", recordsize: "65536"}'
POLICIES='{standard: {snapshots: {hourly: 24}}}'
QEMU=qemu-aarch64-static
# The interpreter Ansible itself runs on (and discovers on a Debian target); a pyenv shim on PATH
# would add its own bash start-up to every "theirs" measurement.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

SECTIONS=" $* "
# Whether section $1 was asked for (every section when none was named).
wants() { [ "$SECTIONS" = "  " ] || [[ $SECTIONS == *" $1 "* ]]; }
for section in "$@"; do
  case $section in
    size|startup|prune-scale|rss|task|ssh|pi-config|datasets|replicate|replicate-guest|sanoid|sanoid-scale|api|vm) ;;
    *) printf 'bench: ERROR: no section %s (sections: size startup prune-scale rss task ssh pi-config datasets replicate replicate-guest sanoid sanoid-scale api vm)\n' "$section" >&2; exit 2 ;;
  esac
done

START_TIME=$(date +%s)
FAILURES=()
TMP=
SSHD_PID=
SSH_USER_ADDED=

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
# A benchmark that could not run: say why now, list it again at the end, exit non-zero then.
fail() {
  local id=$1; shift
  printf 'bench: ERROR: %s could not run: %s\n' "$id" "$*" >&2
  FAILURES+=("$id")
}

# Destroy every dataset below pool $1, deepest first; fail unless only the pool is left. zfs-fuse often answers
# "dataset is busy" to destroying a mounted dataset, so each one is unmounted first (and retried once).
# Also written into the datasets-converge benchmark's --prepare script (declare -f), so it must stand alone.
dsp_clear() {
  local ds
  zfs list -H -o name -r "$1" | tail -n +2 | sort -r | while IFS= read -r ds; do
    zfs unmount "$ds" 2>/dev/null || true
    zfs destroy "$ds" 2>/dev/null || { sleep 0.5; zfs destroy -f "$ds"; }
  done
  [ "$(zfs list -H -o name -r "$1" | wc -l)" -eq 1 ]
}

# Destroy pool $1 if its vdev is in SANDBOX_DIR (ours: made by this script). Its datasets are unmounted first and
# the destroy is retried once, because zfs-fuse answers "pool is busy" now and then.
destroy_own_pool() {
  local ds
  zpool status "$1" 2>/dev/null | grep -qF "$SANDBOX_DIR/" || return 0
  zfs list -H -o name -r "$1" 2>/dev/null | sort -r | while IFS= read -r ds; do
    zfs unmount "$ds" 2>/dev/null || true
  done
  zpool destroy -f "$1" 2>/dev/null || { sleep 1; zpool destroy -f "$1" >&2; }
}
destroy_dsp_pool() { destroy_own_pool "$DSP_POOL"; }

cleanup() {
  local rc=$?
  set +e
  if [ -x "$SANDBOX_SCRIPT" ] && command -v zpool >/dev/null 2>&1 && [ -d "$SANDBOX_DIR" ]; then
    destroy_dsp_pool
    destroy_own_pool "$REP_POOL"
    # destroys only pools whose vdevs are files in SANDBOX_DIR, then removes the directory
    "$SANDBOX_SCRIPT" cleanup "$SANDBOX_DIR" >&2
  fi
  rmdir "$ART/bench" 2>/dev/null
  stop_sshd
  [ -n "$TMP" ] && rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted: cleaning up"; exit 130' INT
trap 'log "terminated: cleaning up"; exit 143' TERM HUP

# BENCH line; values are plain numbers in the unit given, printed with 1 decimal (or $5 decimals).
bench_line() {
  local id=$1 ours=$2 theirs=$3 unit=$4 decimals=${5:-1}
  awk -v id="$id" -v o="$ours" -v t="$theirs" -v u="$unit" -v d="$decimals" 'BEGIN {
    r = (t > 0) ? o / t : 0
    if (r >= 100) rf = "%.0f"; else if (r >= 10) rf = "%.1f"; else if (r >= 0.1) rf = "%.2f"; else rf = "%.3g"
    vf = "%." d "f"
    printf "BENCH %s ours=" vf "%s theirs=" vf "%s ratio=" rf "\n", id, o, u, t, u, r
  }'
}

# A file's size divided by UNIT_BYTES (1024 for KiB, 1e6 for MB).
file_size() { awk -v b="$(stat -c %s "$1")" -v u="$2" 'BEGIN { print b / u }'; }

# The values after KEY on the line of a helper script's output ($2) that starts with it: "KEY ours theirs" -> "ours theirs".
result_of() { printf '%s\n' "$2" | awk -v key="$1" '$1 == key { $1 = ""; sub(/^ /, ""); print }'; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Mean wall time in ms of result N (0-based) of a hyperfine JSON export.
hyperfine_mean_ms() {
  "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"] * 1000)' "$1" "$2"
}

# The command that runs executable $1 built for $2 (x64 natively, arm64 under qemu-user).
runner() {
  case $2 in
    x64) printf '%s' "$PUBLISH/linux-x64/$1" ;;
    arm64) printf '%s %s' "$QEMU" "$PUBLISH/linux-arm64/$1" ;;
  esac
}

# Arguments file content of a no-op module run (check mode, nothing to change), per module.
# An executable without an entry is not a module (or has no no-op case yet): its rss benchmark is skipped.
module_noop_args() {
  case $1 in
    zfs_pool) printf '{"name": "%s", "_ansible_check_mode": true}\n' "$POOL" ;;
    zfs_dataset_policy) printf '{"datasets": [], "policies": {}, "_ansible_check_mode": true}\n' ;;
    *) return 1 ;;
  esac
}

# ---------------------------------------------------------------- preconditions

[ -f "$ART/.build-stamp" ] || die "no finished build in $ART (artifacts/.build-stamp is missing): run ./build.sh build first"
[ -d "$PUBLISH/linux-x64" ] || die "$PUBLISH/linux-x64 is missing: run ./build.sh build first"
for tool in hyperfine ansible ansible-playbook zpool awk; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (run ./build.sh setup)"
done
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time) is not installed (run ./build.sh setup)"
[ -x "$PY" ] || die "python3 is not installed"

# The shipped files (zfsansible, zfs-api) for size; the programs for startup and rss: zfsansible's links (zfs_pool,
# zfs-policy, ...; a link's name picks the program) and zfs-api.
EXES=() PROGRAMS=()
while IFS= read -r f; do
  EXES+=("$(basename "$f")")
done < <(find "$PUBLISH/linux-x64" -maxdepth 1 -type f -perm -u+x ! -name '*.*' | sort)
while IFS= read -r f; do
  PROGRAMS+=("$(basename "$f")")
done < <(find "$PUBLISH/linux-x64" -maxdepth 1 \( -type l -o -type f \) -perm -u+x ! -name '*.*' ! -name zfsansible | sort)
[ ${#EXES[@]} -gt 0 ] || die "no executables in $PUBLISH/linux-x64"
log "executables: ${EXES[*]}; programs: ${PROGRAMS[*]}"

ARCHES=(x64)
if ! command -v "$QEMU" >/dev/null 2>&1; then
  fail "arm64 benchmarks" "$QEMU is not installed (run ./build.sh setup)"
elif [ ! -d "$PUBLISH/linux-arm64" ]; then
  fail "arm64 benchmarks" "$PUBLISH/linux-arm64 is missing"
else
  ARCHES+=(arm64)
fi

# A build renames .build-started to .build-stamp when it ends (the stamp keeps its start time, so every file it
# made is newer than the stamp): only a build that is running, or one that failed, leaves .build-started.
if [ -f "$ART/.build-started" ]; then
  log "WARNING: a build is running, or the last one failed ($ART/.build-started): results may mix builds"
fi
read -r load1 _ < /proc/loadavg
log "load average $load1 on $(nproc) CPUs$(awk -v l="$load1" 'BEGIN { if (l > 0.5) print " (other work is running: numbers will be noisier)" }')"

TMP=$(mktemp -d /tmp/zfsansible-bench.XXXXXX)
# Keep Ansible's temporary files (and any ansible.cfg in the caller's directory) out of the measurements.
export ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS_PATH ANSIBLE_LOCAL_TEMP=$TMP/ansible-local ANSIBLE_REMOTE_TMP=$TMP/ansible-remote
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
cd "$TMP"

# ---------------------------------------------------------------- 1. size

log "size: Ansible's AnsiballZ payload for ansible.builtin.command (kept with ANSIBLE_KEEP_REMOTE_FILES=1)"
payload_kib=
if ! wants size; then
  :
elif ANSIBLE_KEEP_REMOTE_FILES=1 ansible localhost -i localhost, -c local -m ansible.builtin.command -a true >"$TMP/adhoc.log" 2>&1; then
  payload=$(find "$ANSIBLE_REMOTE_TMP" -name AnsiballZ_command.py -type f | head -n 1)
  if [ -n "$payload" ]; then
    payload_kib=$(file_size "$payload" 1024)
  fi
fi
rm -rf "$ANSIBLE_REMOTE_TMP"
if ! wants size; then
  :
elif [ -z "$payload_kib" ]; then
  fail "size-*" "could not obtain AnsiballZ_command.py (ad-hoc ansible run: $(tail -n 3 "$TMP/adhoc.log" | tr '\n' ' '))"
else
  for exe in "${EXES[@]}"; do
    for arch in "${ARCHES[@]}"; do
      bin=$PUBLISH/linux-$arch/$exe
      if [ -f "$bin" ]; then
        bench_line "size-$exe-$arch" "$(file_size "$bin" 1024)" "$payload_kib" KiB
      else
        fail "size-$exe-$arch" "$bin was not built"
      fi
    done
  done
fi
if wants size; then
  # What `ansible-galaxy collection publish` uploads, against Galaxy's limit on it.
  tarball=$(find "$ART" -maxdepth 1 -name 'zfsansible-zfs-*.tar.gz' -print -quit)
  if [ -n "$tarball" ]; then
    bench_line size-collection-tarball "$(file_size "$tarball" 1e6)" 20 MB 2
  else
    fail size-collection-tarball "no collection tarball in $ART"
  fi
fi

# ---------------------------------------------------------------- 2. startup

wants startup && for exe in "${PROGRAMS[@]}"; do
  for arch in "${ARCHES[@]}"; do
    id=startup-$exe-$arch
    [ -f "$PUBLISH/linux-$arch/$exe" ] || { fail "$id" "$PUBLISH/linux-$arch/$exe was not built"; continue; }
    cmd="$(runner "$exe" "$arch") --help"
    read -r -a argv <<<"$cmd"
    # CommandLineParser exits non-zero after --help, so check that it ran and printed help, then time it with -i.
    set +e
    out=$("${argv[@]}" 2>&1)
    rc=$?
    set -e
    if [ "$rc" -ge 126 ] || [ -z "$out" ]; then
      fail "$id" "\`$cmd\` did not run (exit $rc): $(printf '%s' "$out" | head -n 3 | tr '\n' ' ')"
      continue
    fi
    log "$id: hyperfine \`$cmd\` vs \`$PY -c pass\`"
    if ! hyperfine -N -i --warmup 3 --runs 20 --style none --export-json "$TMP/$id.json" "$cmd" "$PY -c pass" >"$TMP/$id.log" 2>&1; then
      fail "$id" "hyperfine failed: $(tail -n 3 "$TMP/$id.log" | tr '\n' ' ')"
      continue
    fi
    bench_line "$id" "$(hyperfine_mean_ms "$TMP/$id.json" 0)" "$(hyperfine_mean_ms "$TMP/$id.json" 1)" ms
  done
done

# ---------------------------------------------------------------- prune at scale (a fake zfs)

# The snapshot timer's dry run on a host of 100,000 snapshots, against a fake zfs answering instantly from files
# (bench/prune-scale.py), so the numbers are ours alone: the OpenZFS path (datasets first, then one row per snapshot of
# the managed datasets only) against the one-pass "zfs get -r" of everything that zfs-fuse needs (and OpenZFS hosts got
# before), on the same host. Two hosts: every dataset managed, and 100 managed snapshots beside 100,000 unmanaged ones
# (a backup server's replicas). Median of 3 runs each; peak RSS from GNU time.
prune_scale_run() {  # $1 fake dir; prints "ms KiB"; fails when the run fails
  local dir=$1 i start end
  for i in 1 2 3; do
    start=$(date +%s%N)
    PATH=$dir/bin:$PATH /usr/bin/time -f %M -o "$dir/time.out" "$PUBLISH/linux-x64/zfs_snapshot_prune" run --dry-run \
      --max-destroy 1000000 --lock-dir "$dir" >"$dir/out.log" 2>"$dir/err.log" || return 1
    end=$(date +%s%N)
    printf '%s %s\n' "$(( (end - start) / 1000000 ))" "$(tail -n 1 "$dir/time.out")"
  done | sort -n | sed -n 2p
}
prune_scale_bench() {  # $1 id, $2 managed datasets, $3 unmanaged datasets, $4 snapshots per dataset
  local id=$1 dir=$TMP/prune-scale-$1 ours theirs expiring
  log "$id: generating $2 managed and $3 unmanaged datasets of $4 snapshots each"
  "$PY" "$ROOT/bench/prune-scale.py" "$dir" "$2" "$3" "$4" || { fail "$id" "bench/prune-scale.py failed"; return; }
  ours=$(prune_scale_run "$dir") || { fail "$id" "the OpenZFS-path run failed: $(tail -n 2 "$dir/err.log" | tr '\n' ' ')"; return; }
  expiring=$(grep -ohE 'destroy [0-9]+ snapshot' "$dir/out.log" "$dir/err.log" | head -n 1 | tr -dc 0-9)
  [ -n "$expiring" ] || { fail "$id" "the run printed no summary: $(tail -n 2 "$dir/err.log" | tr '\n' ' ')"; return; }
  [ "$expiring" -eq $(( $2 * ($4 - 24) )) ] || { fail "$id" "the run planned $expiring destroys, not $(( $2 * ($4 - 24) ))"; return; }
  touch "$dir/legacy"
  theirs=$(prune_scale_run "$dir") || { fail "$id" "the one-pass run failed: $(tail -n 2 "$dir/err.log" | tr '\n' ' ')"; return; }
  rm -rf "$dir"
  log "$id: $expiring snapshots to destroy planned; OpenZFS path vs one zfs get -r of everything"
  bench_line "$id-time" "${ours% *}" "${theirs% *}" ms 0
  bench_line "$id-rss" "${ours#* }" "${theirs#* }" KiB 0
}
if wants prune-scale; then
  prune_scale_bench prune-plan-100k 1000 0 100
  prune_scale_bench prune-plan-100-beside-100k 1 1000 100
fi

# ---------------------------------------------------------------- sandbox pool

sandbox_ready=
pool_ready=
start_sandbox() {
  "$SANDBOX_SCRIPT" start || return 1
  local p
  for p in "$POOL" "$DSP_POOL"; do
    if zpool list -H -o name "$p" >/dev/null 2>&1; then
      # left by an interrupted run if its vdevs are in SANDBOX_DIR; cleanup destroys exactly those
      log "a pool named $p exists: removing the pools an earlier run left on $SANDBOX_DIR"
      destroy_dsp_pool
      "$SANDBOX_SCRIPT" cleanup "$SANDBOX_DIR" >&2 || true
      return 0
    fi
  done
}
# Pool $1 on one vdev of size $3 in directory $2; further arguments go to zpool create.
make_pool() {
  local name=$1 dir=$2 size=$3
  shift 3
  if zpool list -H -o name "$name" >/dev/null 2>&1; then
    log "a pool named $name exists and is not on $SANDBOX_DIR: not touching it"
    return 1
  fi
  "$SANDBOX_SCRIPT" vdevs "$dir" 1 "$size" || return 1
  zpool create "$@" "$name" "$dir/vdev1" >&2 || return 1
}
if start_sandbox; then
  sandbox_ready=1
  log "creating the sandbox pool $POOL on $SANDBOX_DIR/vdev1 (128M)"
  if make_pool "$POOL" "$SANDBOX_DIR" 128M; then
    pool_ready=1
  else
    fail "rss-*, task-*" "could not create the sandbox pool $POOL (see the messages above)"
  fi
else
  fail "rss-*, task-*, datasets-*" "could not start the zfs-fuse sandbox (see the messages above)"
fi

# ---------------------------------------------------------------- 3. rss

# Peak RSS in KiB (median of 5 runs) of a command given as arguments; stdout discarded.
peak_rss_kib() {
  local i
  for i in 1 2 3 4 5; do
    /usr/bin/time -f %M -o "$TMP/time.out" "$@" >/dev/null 2>"$TMP/rss-stderr.log" || return 1
    tail -n 1 "$TMP/time.out"
  done | median
}

if [ -n "$pool_ready" ] && wants rss; then
  theirs_rss=
  theirs_rss=$(peak_rss_kib "$PY" -c 'import json,subprocess; subprocess.run(["zpool","list"])') || theirs_rss=
  [ -n "$theirs_rss" ] || fail "rss-*" "python3 running zpool list failed: $(tail -n 3 "$TMP/rss-stderr.log" | tr '\n' ' ')"
  for exe in "${PROGRAMS[@]}"; do
    [ -n "$theirs_rss" ] || break
    if ! module_noop_args "$exe" >"$TMP/args-$exe.json"; then
      log "rss-$exe-*: skipped ($exe has no no-op module arguments in bench/run.sh: module_noop_args)"
      continue
    fi
    for arch in "${ARCHES[@]}"; do
      id=rss-$exe-$arch
      [ -f "$PUBLISH/linux-$arch/$exe" ] || { fail "$id" "$PUBLISH/linux-$arch/$exe was not built"; continue; }
      read -r -a cmd <<<"$(runner "$exe" "$arch")"
      # the no-op must really be one: valid JSON, not failed, not changed
      out=$("${cmd[@]}" "$TMP/args-$exe.json" 2>&1) || true
      if ! verdict=$(printf '%s' "$out" | "$PY" -c 'import json, sys
r = json.load(sys.stdin)
print("failed: " + str(r.get("msg")) if r.get("failed") else "changed" if r.get("changed") else "ok")' 2>/dev/null); then
        fail "$id" "module output is not JSON: $(printf '%s' "$out" | head -c 300)"
        continue
      fi
      [ "$verdict" = ok ] || { fail "$id" "the no-op module run was not a no-op ($verdict)"; continue; }
      log "$id: peak RSS of the module run vs python3 running zpool list"
      ours_rss=$(peak_rss_kib "${cmd[@]}" "$TMP/args-$exe.json") || { fail "$id" "the module run failed under /usr/bin/time"; continue; }
      bench_line "$id" "$ours_rss" "$theirs_rss" KiB
    done
  done
fi

# ---------------------------------------------------------------- 4. task

# Start of a playbook of one play on localhost without facts; the tasks follow. $1 play vars (YAML flow mapping).
play_header() {
  printf -- '- name: Benchmark\n  hosts: localhost\n  connection: local\n  gather_facts: false\n  vars: %s\n  tasks:\n' "$1"
}

# Playbook of TASKS copies of one task; $1 file, $2 play vars (YAML flow mapping), $3 task (YAML, one line).
write_playbook() {
  local i
  {
    play_header "$2"
    for i in $(seq 1 "$TASKS"); do
      printf '    - name: Task %s\n      %s\n' "$i" "$3"
    done
  } >"$1"
}

task_bench() {
  local modules_dir=$COLLECTIONS_PATH/zfsansible/zfs/plugins/modules
  [ -f "$modules_dir/zfs_pool_x86_64" ] || { fail "task-zfs_pool-noop" "zfs_pool_x86_64 is not in the installed collection ($modules_dir)"; return; }
  local pb_theirs=$TMP/command.yml pb_x64=$TMP/zfs_pool-x86_64.yml pb_arm64=$TMP/zfs_pool-aarch64.yml
  write_playbook "$pb_theirs" '{}' $'ansible.builtin.command: "true"\n      changed_when: false'
  write_playbook "$pb_x64" '{}' "zfsansible.zfs.zfs_pool: {name: $POOL, state: present}"
  write_playbook "$pb_arm64" '{zfsansible_native_arch: aarch64}' "zfsansible.zfs.zfs_pool: {name: $POOL, state: present}"

  # candidates: id, playbook; theirs always runs
  local ids=() pbs=()
  ids+=(task-zfs_pool-noop); pbs+=("$pb_x64")
  if [[ " ${ARCHES[*]} " == *" arm64 "* ]]; then
    if [ ! -f "$modules_dir/zfs_pool_aarch64" ]; then
      fail "task-zfs_pool-noop-aarch64" "zfs_pool_aarch64 is not in the installed collection"
    elif [ "$(head -n 1 /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null)" != enabled ]; then
      fail "task-zfs_pool-noop-aarch64" "the qemu-aarch64 binfmt handler is not enabled (Ansible execs the module directly; run ./build.sh setup as root)"
    else
      ids+=(task-zfs_pool-noop-aarch64); pbs+=("$pb_arm64")
    fi
  fi

  # One checked run of each playbook first (also the warm-up): all TASKS tasks ok, none changed or failed.
  local good_ids=() good_pbs=() i recap
  for pb in "$pb_theirs" "${pbs[@]}"; do
    log "task: checking $(basename "$pb") runs $TASKS no-op tasks"
    if ansible-playbook -i localhost, "$pb" >"$pb.log" 2>&1 \
        && recap=$(grep -E '^localhost +:' "$pb.log") \
        && [[ $recap == *" ok=$TASKS "* && $recap == *" changed=0 "* && $recap == *" failed=0 "* ]]; then
      :
    else
      if [ "$pb" = "$pb_theirs" ]; then
        fail "task-*" "the ansible.builtin.command playbook did not run cleanly: $(grep -E 'fatal|ERROR|^localhost' "$pb.log" | head -n 3 | tr '\n' ' ')"
        return
      fi
      for i in "${!pbs[@]}"; do
        [ "${pbs[$i]}" = "$pb" ] && fail "${ids[$i]}" "the playbook did not run $TASKS no-op tasks cleanly: $(grep -E 'fatal|ERROR|^localhost' "$pb.log" | head -n 3 | tr '\n' ' ' | head -c 600)"
      done
      continue
    fi
    for i in "${!pbs[@]}"; do
      [ "${pbs[$i]}" = "$pb" ] && { good_ids+=("${ids[$i]}"); good_pbs+=("$pb"); }
    done
  done
  [ ${#good_ids[@]} -gt 0 ] || return

  local cmds=()
  for pb in "${good_pbs[@]}" "$pb_theirs"; do cmds+=("ansible-playbook -i localhost, $pb"); done
  log "task: hyperfine --runs 3 over ${#cmds[@]} playbooks of $TASKS tasks (${good_ids[*]} and ansible.builtin.command)"
  if ! hyperfine -N --runs 3 --style none --export-json "$TMP/task.json" "${cmds[@]}" >"$TMP/task.log" 2>&1; then
    fail "task-*" "hyperfine failed: $(tail -n 3 "$TMP/task.log" | tr '\n' ' ')"
    return
  fi
  local theirs_ms
  theirs_ms=$(awk -v m="$(hyperfine_mean_ms "$TMP/task.json" "${#good_pbs[@]}")" -v n="$TASKS" 'BEGIN { print m / n }')
  for i in "${!good_ids[@]}"; do
    bench_line "${good_ids[$i]}" "$(awk -v m="$(hyperfine_mean_ms "$TMP/task.json" "$i")" -v n="$TASKS" 'BEGIN { print m / n }')" "$theirs_ms" ms
  done
}

if [ -n "$pool_ready" ] && wants task; then
  task_bench
fi

# ---------------------------------------------------------------- 4a. task over ssh

# How the fleet is really driven: the same no-op tasks through a private sshd on 127.0.0.1 (root, key auth, Ansible's
# default ssh settings: ControlPersist, no pipelining). Ours against community.general.zfs doing the same check.
# The remote user is a uid-0 alias of root with /bin/sh and an empty home: a fleet host's root runs no shell start-up
# files over ssh, and this machine's root .bashrc (pyenv) would add about 1.5 s to every command, both sides'.
SSH_USER=zfsansible-bench
start_sshd() {
  local dir=$TMP/sshd
  [ -z "$SSHD_PID" ] || return 0
  rm -rf "$dir"
  mkdir -p "$dir/home" /run/sshd
  if ! getent passwd "$SSH_USER" >/dev/null; then
    # No password ('*', not the locked '!'): sshd without PAM refuses every login of a locked account.
    useradd -o -u 0 -g 0 -M -d "$dir/home" -s /bin/sh -p '*' "$SSH_USER" 2>/dev/null || return 1
    SSH_USER_ADDED=1
  fi
  ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" && ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key" || return 1
  cp "$dir/client_key.pub" "$dir/authorized_keys"
  SSHD_PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  printf '%s\n' "Port $SSHD_PORT" "ListenAddress 127.0.0.1" "HostKey $dir/host_key" "AuthorizedKeysFile $dir/authorized_keys" \
    "PermitRootLogin prohibit-password" "PasswordAuthentication no" "KbdInteractiveAuthentication no" "UsePAM no" \
    "StrictModes no" "PidFile $dir/sshd.pid" "AllowUsers $SSH_USER" >"$dir/sshd_config"
  /usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>"$dir/sshd.log" &
  SSHD_PID=$!
  local i
  for i in $(seq 1 50); do
    ssh -i "$dir/client_key" -p "$SSHD_PORT" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
      -o LogLevel=ERROR "$SSH_USER@127.0.0.1" true 2>/dev/null && break
    sleep 0.1
  done
  printf 'all:\n  hosts:\n    target:\n      ansible_host: 127.0.0.1\n      ansible_port: %s\n      ansible_user: %s\n      ansible_ssh_private_key_file: %s\n      ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR\n' \
    "$SSHD_PORT" "$SSH_USER" "$dir/client_key" >"$TMP/ssh-inventory.yml"
}
stop_sshd() {
  [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
  SSHD_PID=
  # -f: the alias shares its uid with every process of root, which plain userdel refuses.
  [ -n "$SSH_USER_ADDED" ] && userdel -f "$SSH_USER" 2>/dev/null
  SSH_USER_ADDED=
  return 0
}

# Playbook of TASKS copies of one task on the ssh target; $1 file, $2 task (YAML, one line).
write_ssh_playbook() {
  local i
  {
    printf -- '- name: Benchmark over ssh\n  hosts: all\n  gather_facts: false\n  tasks:\n'
    for i in $(seq 1 "$TASKS"); do printf '    - name: Task %s\n      %s\n' "$i" "$2"; done
  } >"$1"
}

# Bytes a playbook run sends to the target, from -vvv: the files put plus the text of every command.
bytes_sent() {
  ansible-playbook -vvv -i "$TMP/ssh-inventory.yml" "$1" 2>&1 | "$PY" -c '
import os, re, sys
total = 0
for line in sys.stdin:
    put = re.search(r"PUT (\S+) TO ", line)
    if put and os.path.exists(put.group(1)):
        total += os.path.getsize(put.group(1))
    cmd = re.search(r"SSH: EXEC ssh .*", line)
    if cmd:
        total += len(cmd.group(0))
print(total)'
}

ssh_task_bench() {
  start_sshd || { fail "ssh-task-*" "could not start a private sshd on 127.0.0.1"; return; }
  zfs create -o compression=on "$POOL/ssh" 2>/dev/null || zfs set compression=on "$POOL/ssh" || { fail "ssh-task-*" "could not make $POOL/ssh"; stop_sshd; return; }
  zfs snapshot "$POOL/ssh@b1" 2>/dev/null || true
  zfs create "$POOL/sshcopy" 2>/dev/null || true
  local pool_ours=$TMP/ssh-pool-ours.yml pool_theirs=$TMP/ssh-pool-theirs.yml ds_ours=$TMP/ssh-ds-ours.yml ds_theirs=$TMP/ssh-ds-theirs.yml
  local command=$TMP/ssh-command.yml prune_ours=$TMP/ssh-prune-ours.yml list_theirs=$TMP/ssh-list-theirs.yml
  local rep_ours=$TMP/ssh-replicate-ours.yml pi_ours=$TMP/ssh-pi-ours.yml pi_theirs=$TMP/ssh-pi-lineinfile.yml pi=$TMP/ssh-pi
  write_ssh_playbook "$pool_ours" "zfsansible.zfs.zfs_pool: {name: $POOL, state: present}"
  write_ssh_playbook "$pool_theirs" "community.general.zfs: {name: $POOL, state: present}"
  write_ssh_playbook "$ds_ours" "zfsansible.zfs.zfs_dataset_policy: {name: $POOL/ssh, properties: {compression: \"on\"}}"
  write_ssh_playbook "$ds_theirs" "community.general.zfs: {name: $POOL/ssh, state: present, extra_zfs_properties: {compression: \"on\"}}"
  write_ssh_playbook "$command" $'ansible.builtin.command: "true"\n      changed_when: false'
  # No Python module snapshots by policy or replicates: theirs is the listing such a task reads first, as a command.
  write_ssh_playbook "$prune_ours" "zfsansible.zfs.zfs_snapshot_prune: {datasets: [$POOL/ssh], lock_dir: $TMP/sshd}"
  write_ssh_playbook "$rep_ours" "zfsansible.zfs.zfs_replicate: {datasets: [$POOL/ssh], target_root: $POOL/sshcopy, lock_dir: $TMP/sshd}"
  write_ssh_playbook "$list_theirs" "ansible.builtin.command: zfs list -H -t snapshot -o name,createtxg,creation,userrefs -r $POOL/ssh"$'\n      changed_when: false'
  # pi_boot_config against the two lineinfile tasks people write for PCIe gen 3, on a config.txt that has them.
  mkdir -p "$pi"
  { cat "$ROOT/tests/ZfsAnsible.Domain.Tests/BootConfig/files/bookworm-stock.txt"; printf 'dtparam=pciex1\ndtparam=pciex1_gen=3\n'; } >"$pi/config.txt"
  printf 'Raspberry Pi 5 Model B Rev 1.0\0' >"$pi/model"
  write_ssh_playbook "$pi_ours" "zfsansible.zfs.pi_boot_config: {path: $pi/config.txt, model_path: $pi/model, settings: [{dtparam: pciex1}, {dtparam: pciex1_gen, value: 3}]}"
  {
    printf -- '- name: Benchmark over ssh\n  hosts: all\n  gather_facts: false\n  tasks:\n'
    for i in $(seq 1 "$TASKS"); do
      printf '    - name: PCIe on %s\n      ansible.builtin.lineinfile: {path: %s, regexp: "^dtparam=pciex1$", line: dtparam=pciex1}\n' "$i" "$pi/config.txt"
      printf '    - name: PCIe gen 3 %s\n      ansible.builtin.lineinfile: {path: %s, regexp: "^dtparam=pciex1_gen=", line: dtparam=pciex1_gen=3}\n' "$i" "$pi/config.txt"
    done
  } >"$pi_theirs"
  local pb all=("$pool_ours" "$pool_theirs" "$ds_ours" "$ds_theirs" "$command" "$prune_ours" "$list_theirs" "$rep_ours" "$pi_ours" "$pi_theirs")
  # Ours records its view of the dataset once and makes the replica once (the first task changes them); then every
  # playbook is checked once (all ok, 0 changed): the warm-up, and the run that puts ours in the target's binary cache.
  ansible-playbook -i "$TMP/ssh-inventory.yml" "$ds_ours" >"$ds_ours.log" 2>&1 || true
  ansible-playbook -i "$TMP/ssh-inventory.yml" "$rep_ours" >"$rep_ours.log" 2>&1 || true
  for pb in "${all[@]}"; do
    local tasks=$TASKS
    [ "$pb" = "$pi_theirs" ] && tasks=$((TASKS * 2))
    log "ssh: checking $(basename "$pb") runs $TASKS no-op tasks over ssh"
    if ! ansible-playbook -i "$TMP/ssh-inventory.yml" "$pb" >"$pb.log" 2>&1 \
        || ! grep -qE "^target +: ok=$tasks +changed=0 .*failed=0 " "$pb.log"; then
      fail "ssh-task-*" "$(basename "$pb") did not run $tasks no-op tasks cleanly over ssh: $(grep -E 'fatal|ERROR|^target' "$pb.log" | head -n 3 | tr '\n' ' ' | head -c 600)"
      stop_sshd
      return
    fi
  done
  log "ssh: hyperfine --runs 3 over the ${#all[@]} playbooks of $TASKS tasks (or task pairs)"
  local cmds=()
  for pb in "${all[@]}"; do cmds+=("ansible-playbook -i $TMP/ssh-inventory.yml $pb"); done
  if ! hyperfine -N --runs 3 --style none --export-json "$TMP/ssh-task.json" "${cmds[@]}" >"$TMP/ssh-task.log" 2>&1; then
    fail "ssh-task-*" "hyperfine failed: $(tail -n 3 "$TMP/ssh-task.log" | tr '\n' ' ')"
    stop_sshd
    return
  fi
  per_task() { awk -v m="$(hyperfine_mean_ms "$TMP/ssh-task.json" "$1")" -v n="$TASKS" 'BEGIN { print m / n }'; }
  bench_line ssh-task-zfs_pool-noop "$(per_task 0)" "$(per_task 1)" ms
  bench_line ssh-task-zfs_dataset_policy-noop "$(per_task 2)" "$(per_task 3)" ms
  bench_line ssh-task-zfs_pool-vs-command "$(per_task 0)" "$(per_task 4)" ms
  bench_line ssh-task-zfs_snapshot_prune-noop "$(per_task 5)" "$(per_task 6)" ms
  bench_line ssh-task-zfs_replicate-noop "$(per_task 7)" "$(per_task 6)" ms
  bench_line ssh-task-pi_boot_config-noop "$(per_task 8)" "$(per_task 9)" ms
  # Bytes per playbook run with the binary cached (the usual run), and the first run after a new version.
  bench_line ssh-bytes-zfs_pool-noop "$(bytes_sent "$pool_ours")" "$(bytes_sent "$pool_theirs")" B 0
  rm -rf "$TMP/sshd/home/.cache/zfsansible"
  bench_line ssh-bytes-zfs_pool-noop-first "$(bytes_sent "$pool_ours")" "$(bytes_sent "$pool_theirs")" B 0
  zfs destroy -r "$POOL/sshcopy" 2>/dev/null || true
  zfs destroy -r "$POOL/ssh" 2>/dev/null || true
  stop_sshd
}

if [ -n "$pool_ready" ] && wants ssh; then
  if ! ansible-doc -t module community.general.zfs >/dev/null 2>&1; then
    fail "ssh-task-*" "community.general.zfs is not installed (Debian's ansible package ships it)"
  else
    ssh_task_bench
  fi
fi

# ---------------------------------------------------------------- 4b. config.txt

# pi_boot_config against what people write by hand: two ansible.builtin.lineinfile tasks, one per line. Both run
# on a config.txt that already holds PCIe gen 3 (the run a Pi sees every day: nothing to change), TASKS times.
pi_config_bench() {
  local dir=$TMP/pi config ours_x64=$TMP/pi-ours-x86_64.yml ours_arm64=$TMP/pi-ours-aarch64.yml theirs=$TMP/pi-lineinfile.yml i
  mkdir -p "$dir"
  config=$dir/config.txt
  cat "$ROOT/tests/ZfsAnsible.Domain.Tests/BootConfig/files/bookworm-stock.txt" >"$config"
  printf 'dtparam=pciex1\ndtparam=pciex1_gen=3\n' >>"$config"
  printf 'Raspberry Pi 5 Model B Rev 1.0\0' >"$dir/model"
  local ours="zfsansible.zfs.pi_boot_config: {path: $config, model_path: $dir/model, settings: [{dtparam: pciex1}, {dtparam: pciex1_gen, value: 3}]}"
  write_playbook "$ours_x64" '{}' "$ours"
  write_playbook "$ours_arm64" '{zfsansible_native_arch: aarch64}' "$ours"
  {
    play_header '{}'
    for i in $(seq 1 "$TASKS"); do
      printf '    - name: PCIe on %s\n      ansible.builtin.lineinfile: {path: %s, regexp: "^dtparam=pciex1$", line: dtparam=pciex1}\n' "$i" "$config"
      printf '    - name: PCIe gen 3 %s\n      ansible.builtin.lineinfile: {path: %s, regexp: "^dtparam=pciex1_gen=", line: dtparam=pciex1_gen=3}\n' "$i" "$config"
    done
  } >"$theirs"
  local pb
  for pb in "$ours_x64" "$ours_arm64" "$theirs"; do
    if ! ansible-playbook -i localhost, "$pb" >"$pb.log" 2>&1 || ! grep -qE '^localhost +:.* changed=0 .* failed=0 ' "$pb.log"; then
      fail "pi-config-noop-*" "$(basename "$pb") did not run cleanly without changes: $(grep -E 'fatal|ERROR|^localhost' "$pb.log" | head -n 3 | tr '\n' ' ' | head -c 600)"
      return
    fi
  done
  log "pi-config: hyperfine --runs 3 over pi_boot_config (x86_64, aarch64) and two lineinfile tasks, $TASKS times each"
  if ! hyperfine -N --runs 3 --style none --export-json "$TMP/pi.json" "ansible-playbook -i localhost, $ours_x64" \
      "ansible-playbook -i localhost, $ours_arm64" "ansible-playbook -i localhost, $theirs" >"$TMP/pi.log" 2>&1; then
    fail "pi-config-noop-*" "hyperfine failed: $(tail -n 3 "$TMP/pi.log" | tr '\n' ' ')"
    return
  fi
  local theirs_ms
  theirs_ms=$(awk -v m="$(hyperfine_mean_ms "$TMP/pi.json" 2)" -v n="$TASKS" 'BEGIN { print m / n }')
  bench_line pi-config-noop "$(awk -v m="$(hyperfine_mean_ms "$TMP/pi.json" 0)" -v n="$TASKS" 'BEGIN { print m / n }')" "$theirs_ms" ms
  bench_line pi-config-noop-aarch64 "$(awk -v m="$(hyperfine_mean_ms "$TMP/pi.json" 1)" -v n="$TASKS" 'BEGIN { print m / n }')" "$theirs_ms" ms
}

wants pi-config && pi_config_bench

# ---------------------------------------------------------------- 5. datasets

# Dataset $1 (1-based) of the datasets-* benchmarks: DSP_POOL/d01, DSP_POOL/d02, ...
dsp_name() { printf '%s/d%02d' "$DSP_POOL" "$1"; }

# Check that DSP_POOL holds exactly the DSP_COUNT datasets d01.. and that each has the benchmark's properties, set
# locally ($1 = ours: also the policy the module records as zfsansible:policy). Otherwise say what is wrong.
dsp_check() {
  local props=compression,atime,recordsize want=3
  if [ "$1" = ours ]; then props+=,zfsansible:policy; want=4; fi
  zfs get -Hp -o name,property,value,source "$props" -r "$DSP_POOL" | awk -F '\t' -v pool="$DSP_POOL" -v n="$DSP_COUNT" -v want="$want" '
    $1 == pool { next }
    !($1 in good) { good[$1] = 0 }
    $4 == "local" && ($2 == "compression" && $3 == "on" || $2 == "atime" && $3 == "off" || $2 == "recordsize" && $3 == "65536" ||
                      $2 == "zfsansible:policy" && $3 == "standard") { good[$1]++ }
    END {
      for (d in good) { count++; if (d !~ ("^" pool "/d[0-9][0-9]$")) other++; else if (good[d] != want) bad++ }
      if (count == n && !other && !bad) exit 0
      printf "%d datasets below %s (expected %d), %d not named d01.., %d without all of the properties", count, pool, n, other, bad
      exit 1
    }'
}

# Whether the recap in ansible-playbook log $1 says ok=$2, changed=$3 (any if empty) and failed=0.
recap_is() {
  local recap
  recap=$(grep -E '^localhost +:' "$1") || return 1
  [[ $recap == *" ok=$2 "* && $recap == *" failed=0 "* ]] && { [ -z "$3" ] || [[ $recap == *" changed=$3 "* ]]; }
}

# First lines of the errors in ansible-playbook (or hyperfine) log $1, on one line.
log_errors() { grep -E 'fatal|ERROR|Error|^localhost' "$1" | head -n 3 | tr '\n' ' ' | head -c 600; }

# datasets-converge-N: DSP_COUNT datasets with properties created from nothing, by one whole-tree task of ours and by
# community.general.zfs looped over them. hyperfine empties the pool before each run (--prepare, not timed).
converge_bench() {
  local id=datasets-converge-$DSP_COUNT i pb_ours=$TMP/converge-ours.yml pb_theirs=$TMP/converge-theirs.yml
  {
    play_header '{}'
    printf '    - name: Datasets\n      zfsansible.zfs.zfs_dataset_policy:\n        policies: %s\n        datasets:\n' "$POLICIES"
    for i in $(seq 1 "$DSP_COUNT"); do
      printf '          - {name: %s, policy: standard, properties: %s}\n' "$(dsp_name "$i")" "$OURS_PROPS"
    done
  } >"$pb_ours"
  {
    play_header '{}'
    printf '    - name: Datasets\n      community.general.zfs:\n        name: "{{ item }}"\n        state: present\n'
    printf '        extra_zfs_properties: %s\n      loop:\n' "$THEIRS_PROPS"
    for i in $(seq 1 "$DSP_COUNT"); do
      printf '        - %s\n' "$(dsp_name "$i")"
    done
  } >"$pb_theirs"
  { printf '#!/usr/bin/env bash\nset -euo pipefail\n'; declare -f dsp_clear; printf 'dsp_clear %q\n' "$DSP_POOL"; } >"$TMP/dsp-clear.sh"

  local side pb msg ours_s='' theirs_s=''
  for side in ours theirs; do
    pb=$pb_ours
    [ "$side" = theirs ] && pb=$pb_theirs
    log "$id: hyperfine --runs 3 of the $side playbook creating $DSP_COUNT datasets (the pool is emptied before each run)"
    # --output keeps the playbook output of the last run (the file is rewritten by each run)
    if ! hyperfine -N --runs 3 --prepare "bash $TMP/dsp-clear.sh" --output "$pb.log" --style none \
        --export-json "$TMP/$id-$side.json" "ansible-playbook -i localhost, $pb" >"$TMP/$id-$side.log" 2>&1; then
      fail "$id" "hyperfine failed on the $side playbook: $(log_errors "$TMP/$id-$side.log") $(log_errors "$pb.log")"
      return
    fi
    # The pool was empty before the last run (dsp_clear checks it), so this is what that run created.
    if ! recap_is "$pb.log" 1 1; then
      fail "$id" "the last run of the $side playbook did not report its one task changed: $(log_errors "$pb.log")"
      return
    elif ! msg=$(dsp_check "$side"); then
      fail "$id" "the $side playbook did not create the datasets: $msg"
      return
    fi
    if [ "$side" = ours ]; then
      ours_s=$(awk -v m="$(hyperfine_mean_ms "$TMP/$id-$side.json" 0)" 'BEGIN { print m / 1000 }')
    else
      theirs_s=$(awk -v m="$(hyperfine_mean_ms "$TMP/$id-$side.json" 0)" 'BEGIN { print m / 1000 }')
    fi
  done
  bench_line "$id" "$ours_s" "$theirs_s" s 2
}

# datasets-noop-1: NOOP_TASKS single-dataset tasks on d01.. that change nothing, per task.
noop_bench() {
  local id=datasets-noop-1 i pb pb_ours=$TMP/noop-ours.yml pb_theirs=$TMP/noop-theirs.yml
  {
    play_header '{}'
    for i in $(seq 1 "$NOOP_TASKS"); do
      printf '    - name: Task %s\n      zfsansible.zfs.zfs_dataset_policy: {name: %s, policy: standard, policies: %s, properties: %s}\n' \
        "$i" "$(dsp_name "$i")" "$POLICIES" "$OURS_PROPS"
    done
  } >"$pb_ours"
  {
    play_header '{}'
    for i in $(seq 1 "$NOOP_TASKS"); do
      printf '    - name: Task %s\n      community.general.zfs: {name: %s, state: present, extra_zfs_properties: %s}\n' \
        "$i" "$(dsp_name "$i")" "$THEIRS_PROPS"
    done
  } >"$pb_theirs"

  # The datasets exist with the properties when theirs ran last above; one run of ours records the policy on them
  # (and creates them if the converge benchmark could not run).
  log "$id: one run of ours to bring $(dsp_name 1)..$(dsp_name "$NOOP_TASKS") to the benchmark's state"
  if ! ansible-playbook -i localhost, "$pb_ours" >"$pb_ours.log" 2>&1 || ! recap_is "$pb_ours.log" "$NOOP_TASKS" ''; then
    fail "$id" "the playbook of ours failed: $(log_errors "$pb_ours.log")"
    return
  fi
  for pb in "$pb_ours" "$pb_theirs"; do
    log "$id: checking $(basename "$pb") runs $NOOP_TASKS no-op tasks"
    if ! ansible-playbook -i localhost, "$pb" >"$pb.log" 2>&1 || ! recap_is "$pb.log" "$NOOP_TASKS" 0; then
      fail "$id" "$(basename "$pb") did not run $NOOP_TASKS no-op tasks cleanly: $(log_errors "$pb.log")"
      return
    fi
  done
  log "$id: hyperfine --runs 3 over the two playbooks of $NOOP_TASKS tasks"
  if ! hyperfine -N --runs 3 --style none --export-json "$TMP/$id.json" \
      "ansible-playbook -i localhost, $pb_ours" "ansible-playbook -i localhost, $pb_theirs" >"$TMP/$id.log" 2>&1; then
    fail "$id" "hyperfine failed: $(tail -n 3 "$TMP/$id.log" | tr '\n' ' ')"
    return
  fi
  bench_line "$id" "$(awk -v m="$(hyperfine_mean_ms "$TMP/$id.json" 0)" -v n="$NOOP_TASKS" 'BEGIN { print m / n }')" \
    "$(awk -v m="$(hyperfine_mean_ms "$TMP/$id.json" 1)" -v n="$NOOP_TASKS" 'BEGIN { print m / n }')" ms
}

if [ -n "$sandbox_ready" ] && wants datasets; then
  if [ ! -f "$COLLECTIONS_PATH/zfsansible/zfs/plugins/modules/zfs_dataset_policy_x86_64" ]; then
    fail "datasets-*" "zfs_dataset_policy_x86_64 is not in the installed collection ($COLLECTIONS_PATH)"
  elif ! ansible-doc -t module community.general.zfs >/dev/null 2>&1; then
    fail "datasets-*" "community.general.zfs is not installed (Debian's ansible package ships it)"
  else
    log "creating the sandbox pool $DSP_POOL on $DSP_DIR/vdev1 (512M), mounted on $DSP_DIR/mnt"
    if make_pool "$DSP_POOL" "$DSP_DIR" 512M -m "$DSP_DIR/mnt"; then
      converge_bench
      noop_bench
      log "destroying $DSP_POOL"
      destroy_dsp_pool || log "could not destroy $DSP_POOL now; it is tried again on exit"
    else
      fail "datasets-*" "could not create the sandbox pool $DSP_POOL (see the messages above)"
    fi
  fi
fi

# ---------------------------------------------------------------- 5b. replication

# The BENCH lines of one bench/replicate-rounds.sh run ($3, its output): $1-local-<MB>M and $1-ssh-<MB>M in MB/s
# (throughput: higher is better, so the ratio is theirs' time over ours), and $1-fixed-1M in ms: what a run costs apart
# from its stream (probes, listings, parents, hold, mark, protection, success record), as a 1 MB transfer.
replicate_lines() {
  local id=$1 mb=$2 out=$3 local_ms ssh_ms fixed_ms ours theirs
  local_ms=$(result_of local "$out"); ssh_ms=$(result_of ssh "$out"); fixed_ms=$(result_of fixed "$out")
  if [ -z "$local_ms" ] || [ -z "$ssh_ms" ] || [ -z "$fixed_ms" ]; then
    fail "$id-*" "bench/replicate-rounds.sh printed no result: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
    return
  fi
  mbps() { awk -v m="$1" -v mb="$mb" 'BEGIN { print mb / (m / 1000) }'; }
  read -r ours theirs <<<"$local_ms"
  bench_line "$id-local-${mb}M" "$(mbps "$ours")" "$(mbps "$theirs")" MB/s
  read -r ours theirs <<<"$ssh_ms"
  bench_line "$id-ssh-${mb}M" "$(mbps "$ours")" "$(mbps "$theirs")" MB/s
  read -r ours theirs <<<"$fixed_ms"
  bench_line "$id-fixed-1M" "$ours" "$theirs" ms 0
}

# zfs_replicate against the bare pipe on the zfs-fuse sandbox, locally and through the private sshd: REP_MB of
# incompressible data, REP_RUNS rounds in turns (bench/replicate-rounds.sh). zfs-fuse on a file vdev moves about
# 500 MB/s here, so the stream is 2 GiB: at 512 MB it lasts about a second and the run's fixed cost (the fixed-1M line)
# would be most of what the throughput ratio measures.
REP_POOL=benchrep
REP_MB=2048 REP_RUNS=5
replicate_bench() {
  local dir=$SANDBOX_DIR/$REP_POOL ours=$PUBLISH/linux-x64/zfs_replicate out
  [ -x "$ours" ] || { fail "replicate-*" "$ours was not built"; return; }
  if zpool list -H -o name "$REP_POOL" >/dev/null 2>&1; then
    fail "replicate-*" "a pool named $REP_POOL exists and is not on $SANDBOX_DIR: not touching it"
    return
  fi
  "$SANDBOX_SCRIPT" vdevs "$dir" 1 "$((REP_MB * 2 + 1024))M" >&2 || { fail "replicate-*" "could not make a vdev in $dir"; return; }
  start_sshd || { fail "replicate-*" "could not start a private sshd on 127.0.0.1"; return; }
  log "replicate-*: $REP_MB MB, $REP_RUNS rounds of four transfers on zfs-fuse (about $((REP_MB * REP_RUNS / 250 + 60)) s)"
  out=$(REP_SSH_USER=$SSH_USER REP_SSH_PORT=$SSHD_PORT REP_SSH_KEY=$TMP/sshd/client_key \
    sh "$ROOT/bench/replicate-rounds.sh" "$ours" "$REP_MB" "$REP_RUNS" "$dir/vdev1" 2>&1) || true
  replicate_lines replicate "$REP_MB" "$out"
  stop_sshd
  destroy_own_pool "$REP_POOL"
  rm -rf "$dir"
}

if ! wants replicate; then
  :
elif [ -n "$sandbox_ready" ]; then
  replicate_bench
else
  fail "replicate-*" "the zfs-fuse sandbox is not running"
fi

# ---------------------------------------------------------------- OpenZFS guest

# Real OpenZFS runs in the QEMU guest: booted here unless it already runs, and stopped again afterwards.
GUEST=$ROOT/tests/vm/openzfs-guest.sh
GUEST_BOOTED=
# Boots the guest (once) and exports GUEST_*; on failure sets GUEST_PROBLEM and returns 1.
GUEST_PROBLEM=
guest_up() {
  local key value
  if ! "$GUEST" image >"$TMP/guest-image.log" 2>&1; then
    GUEST_PROBLEM="the OpenZFS guest image could not be built: $(tail -n 2 "$TMP/guest-image.log" | tr '\n' ' ')"
    return 1
  fi
  if ! "$GUEST" ssh true >/dev/null 2>&1; then
    "$GUEST" boot >"$TMP/guest-boot.log" 2>&1 || { GUEST_PROBLEM="the guest did not boot: $(tail -n 2 "$TMP/guest-boot.log" | tr '\n' ' ')"; return 1; }
    GUEST_BOOTED=1
  fi
  while IFS='=' read -r key value; do export "$key=$value"; done < <("$GUEST" env)
}
to_guest() {
  scp -q -i "$GUEST_KEY" -P "$GUEST_SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "$@" root@127.0.0.1:/tmp/
}

# sanoid needs OpenZFS ("zfs get -t"): bench/sanoid-guest.sh builds the same history for both tools (the guest clock
# set back per snapshot: sanoid ages snapshots by creation time) in a tree per tool, then times one listing of every
# snapshot, one run of each tool that takes what is due and prunes to hourly=24,daily=7, a second run each (logged: ours
# lists again the datasets it changed, sanoid prunes past what its first run took), and NOOP_RUNS no-op runs each.
# Section sanoid: 6 datasets; sanoid-scale: 101 datasets, 4,545 snapshots of history per tool (about 27 minutes in the
# TCG guest, most of it sanoid destroying one snapshot per command).
SANOID_HOURS=36 SANOID_DAYS=9 SANOID_NOOP_RUNS=3
sanoid_bench() {  # $1 id suffix, $2 child datasets
  local out suffix=$1 children=$2
  log "snapshot-*-vs-sanoid$suffix: $children+1 datasets, ${SANOID_HOURS} hourly and ${SANOID_DAYS} daily snapshots of history per tool, in the guest"
  to_guest "$PUBLISH/linux-x64/zfs_snapshot_prune" "$ROOT/bench/sanoid-guest.sh"
  out=$("$GUEST" ssh "sh /tmp/sanoid-guest.sh /tmp/zfs_snapshot_prune $children $SANOID_HOURS $SANOID_DAYS $SANOID_NOOP_RUNS" 2>&1) || true
  local work settle noop kept listing
  work=$(result_of work "$out"); noop=$(result_of noop "$out"); kept=$(result_of kept "$out"); listing=$(result_of listing "$out")
  settle=$(result_of settle "$out")
  if [ -z "$work" ] || [ -z "$noop" ] || [ -z "$kept" ] || [ -z "$listing" ]; then
    fail "snapshot-*-vs-sanoid$suffix" "the guest run printed no result: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
    return
  fi
  # Both must have done the same work, or the times compare nothing.
  read -r kept_ours kept_theirs <<<"$kept"
  [ "$kept_ours" = "$kept_theirs" ] || log "WARNING: ours kept $kept_ours snapshots, sanoid $kept_theirs: the runs did different work"
  log "snapshot-*-vs-sanoid$suffix: the second run (ours, sanoid): ${settle:-none} ms"
  read -r ours theirs <<<"$work"
  bench_line "snapshot-prune-vs-sanoid$suffix" "$ours" "$theirs" ms 0
  bench_line "snapshot-prune-vs-listing$suffix" "$ours" "$listing" ms 0
  read -r ours theirs <<<"$noop"; bench_line "snapshot-noop-vs-sanoid$suffix" "$ours" "$theirs" ms 0
}

if ! wants sanoid && ! wants sanoid-scale; then
  :
elif guest_up; then
  wants sanoid && sanoid_bench "" 5
  wants sanoid-scale && sanoid_bench -101 100
  [ -n "$GUEST_BOOTED" ] && "$GUEST" stop >/dev/null 2>&1
else
  fail "snapshot-*-vs-sanoid" "$GUEST_PROBLEM"
fi

# ---------------------------------------------------------------- replication on OpenZFS (the guest)

# zfs_replicate against the bare pipe on OpenZFS, where an action's properties go in one "zfs set" (the replicate
# section runs on zfs-fuse, one command per property): bench/replicate-rounds.sh in the guest, GUEST_REP_MB through
# the guest's own sshd. The guest is emulated (TCG here), so its MB/s are low; the ratio is what compares.
GUEST_REP_MB=500 GUEST_REP_RUNS=5
replicate_guest_bench() {
  log "replicate-guest-*: $GUEST_REP_MB MB, $GUEST_REP_RUNS rounds of four transfers in the OpenZFS guest"
  cp "$PUBLISH/linux-x64/zfsansible" "$TMP/zfs_replicate"
  to_guest "$TMP/zfs_replicate" "$ROOT/bench/replicate-rounds.sh"
  replicate_lines replicate-guest "$GUEST_REP_MB" "$("$GUEST" ssh "sh /tmp/replicate-rounds.sh /tmp/zfs_replicate $GUEST_REP_MB $GUEST_REP_RUNS" 2>&1)"
}

if ! wants replicate-guest; then
  :
elif guest_up; then
  replicate_guest_bench
  [ -n "$GUEST_BOOTED" ] && "$GUEST" stop >/dev/null 2>&1
else
  fail "replicate-guest-*" "$GUEST_PROBLEM"
fi

# ---------------------------------------------------------------- zfs-api vs the bare listings (zfs-fuse)

# zfs-api's /metrics (a collection with cache_seconds 0, the exposition, TLS) against the bare zpool/zfs listings one
# collection needs (the floor), on API_DATASETS datasets x API_SNAPSHOTS snapshots: bench/api-bench.sh on a 1G file
# vdev of the zfs-fuse sandbox (the TCG-emulated OpenZFS guest would take an hour to build and list 100,000 snapshots).
API_DATASETS=1000 API_SNAPSHOTS=100 API_RUNS=3
api_bench() {
  local out metrics rss startup series vdev=$SANDBOX_DIR/benchapi.img
  log "api-*: zfs-api /metrics on $API_DATASETS datasets x $API_SNAPSHOTS snapshots against the bare listings (about 15 min on zfs-fuse)"
  mkdir -p "$SANDBOX_DIR" && truncate -s 1G "$vdev"
  out=$(sh "$ROOT/bench/api-bench.sh" "$PUBLISH/linux-x64/zfs-api" "$vdev" "$API_DATASETS" "$API_SNAPSHOTS" "$API_RUNS" 2>&1) || true
  rm -f "$vdev"
  metrics=$(result_of metrics "$out"); rss=$(result_of rss "$out"); startup=$(result_of startup "$out"); series=$(result_of series "$out")
  if [ -z "$metrics" ] || [ -z "$rss" ] || [ -z "$startup" ]; then
    fail "api-*" "bench/api-bench.sh printed no result: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
    return
  fi
  log "api-*: one scrape held $series samples"
  read -r ours theirs <<<"$metrics"; bench_line "api-metrics-${API_DATASETS}x${API_SNAPSHOTS}" "$ours" "$theirs" ms 0
  read -r ours theirs <<<"$rss"; bench_line "api-rss-${API_DATASETS}x${API_SNAPSHOTS}" "$ours" "$theirs" KiB 0
  read -r ours theirs <<<"$startup"; bench_line api-startup-to-tls "$ours" "$theirs" ms 0
}
if ! wants api; then
  :
elif [ -n "$sandbox_ready" ]; then
  api_bench
else
  fail "api-*" "the zfs-fuse sandbox is not running"
fi

# ---------------------------------------------------------------- VictoriaMetrics with a year of the fleet

# bench/vm-bench.py: a simulated year of the fleet's zfs-api series imported into VictoriaMetrics; its first week also
# into a VictoriaMetrics of its own and into Prometheus' TSDB. Bytes per sample and the dashboard's heaviest panel.
vm_bench() {
  local out bytes1y bytes7d panel1y panel7d samples ours theirs title
  log "vm-*: a simulated year of the fleet's series into VictoriaMetrics, its first week into Prometheus too (about 30 min)"
  out=$(python3 "$ROOT/bench/vm-bench.py" "$ART/bench/vm" 2>&1) || true
  bytes1y=$(result_of bytes1y "$out"); bytes7d=$(result_of bytes7d "$out"); panel1y=$(result_of panel1y "$out"); panel7d=$(result_of panel7d "$out")
  samples=$(result_of samples "$out")
  if [ -z "$bytes1y" ] || [ -z "$panel1y" ] || [ -z "$panel7d" ]; then
    fail "vm-*" "bench/vm-bench.py printed no result: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
    return
  fi
  log "vm-*: samples (year, week, series): $samples"
  read -r ours theirs <<<"$bytes1y"; bench_line vm-bytes-per-sample-1y "$ours" "$theirs" B 3
  read -r ours theirs <<<"$bytes7d"; bench_line vm-bytes-per-sample-7d "$ours" "$theirs" B 3
  read -r ours theirs title <<<"$panel1y"; log "vm-heaviest-panel-1y: \"$title\""; bench_line vm-heaviest-panel-1y "$ours" "$theirs" ms 1
  read -r ours theirs title <<<"$panel7d"; log "vm-heaviest-panel-7d: \"$title\""; bench_line vm-heaviest-panel-7d "$ours" "$theirs" ms 1
}
wants vm && vm_bench

# ---------------------------------------------------------------- end

log "done in $(( $(date +%s) - START_TIME )) s"
if [ ${#FAILURES[@]} -gt 0 ]; then
  log "FAILED: these benchmarks could not run: ${FAILURES[*]}"
  exit 1
fi
