#!/usr/bin/env bash
# ZfsAnsible build driver.
#   ./build.sh setup   install the Debian packages the project needs (only what is missing)
#   ./build.sh build   NativeAOT executables for linux-x64 and linux-arm64, the collection and its tarball
#   ./build.sh test    setup + build, then every test tier; ends with one line "N passed, N failed"
#   ./build.sh demo    setup + build, then the whole system on a local zfs-fuse sandbox
#   ./build.sh bench [SECTION...]   setup + build, then the benchmarks in bench/ (BENCH lines; bench/run.sh lists the sections)
#   ./build.sh clean   remove build outputs and the demo sandbox
# Quiet when things work: details go to artifacts/logs/, and their tail is shown when a step fails.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ART=$ROOT/artifacts
LOGS=$ART/logs
RIDS=(linux-x64 linux-arm64)
# Every shipped executable (src/<name>/<name>.csproj), each in the collection's native/ for both architectures:
# zfsansible, one multi-call executable for every module and command (they share ~95 % of their bytes), and the
# zfs-api service (installed by the zfs_api role).
EXECUTABLES=(zfsansible zfs-api)
# The programs of zfsansible, each a link to it in artifacts/publish/<rid>/ (a link's name picks the program).
PROGRAMS=(zfs_pool zfs_dataset_policy zfs_snapshot_prune zfs_replicate pi_boot_config zfs-policy)
# Every module, each plugins/modules/<module>_<arch>, a link to native/zfsansible_<arch>.
MODULES=(zfs_pool zfs_dataset_policy zfs_snapshot_prune zfs_replicate pi_boot_config zfs_timer zfs_pull_key zfs_pull_source pi_pcie_info zfs_facts)
COLLECTIONS=$ART/collections
SANDBOX=$ART/sandbox

APT_PACKAGES=(
  ansible ansible-core ansible-lint yamllint          # controller, community.general (benchmarks), linters
  pycodestyle pylint python3-voluptuous python3-venv  # ansible-test sanity's tools, from Debian (its own come from PyPI)
  zfs-fuse util-linux procps                          # the ZFS sandbox; blkid, flock (lock tests), pgrep (signal tests)
  clang zlib1g-dev debootstrap                        # NativeAOT linking; a bullseye sysroot keeps the glibc floor at 2.29
  binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross   # linux-arm64 cross build
  qemu-user-static binfmt-support                     # running the arm64 builds
  hyperfine time                                      # benchmarks
  prometheus openssl                                  # promtool check metrics and test rules; the tests' certificates
  victoria-metrics                                    # the metrics store and vmalert (role victoriametrics, demo, tests)
  openssh-server openssh-client python3
  systemd                                             # systemd-analyze: zfs_timer checks calendars, the tests verify units
)

say() { printf '%s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# Runs a step quietly; on failure shows the end of its log and stops.
step() {
  local name=$1; shift
  mkdir -p "$LOGS"
  local log=$LOGS/$name.log
  if ! "$@" >"$log" 2>&1; then
    printf 'build.sh: step "%s" failed; last lines of %s:\n' "$name" "$log" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

# ---------------------------------------------------------------- setup

missing_packages() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

setup() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is required (dotnet not on PATH)"
  [ "$(id -u)" -eq 0 ] || die "setup installs Debian packages and mounts binfmt_misc: run as root"
  if dpkg-query -W -f='${Status}' zfsutils-linux 2>/dev/null | grep -q 'install ok installed'; then
    die "this machine has OpenZFS (zfsutils-linux), which conflicts with zfs-fuse as a Debian package: the zfs-fuse sandbox cannot be installed here. Use a machine without zfsutils-linux (the real-OpenZFS tier runs in a QEMU guest instead)."
  fi
  local missing
  missing=$(missing_packages | tr '\n' ' ')
  if [ -n "${missing// /}" ]; then
    say "setup: installing $missing"
    # shellcheck disable=SC2086
    step apt bash -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing"
  fi
  arm64_runtime_libs
  enable_binfmt
}

# The arm64 builds run under qemu-user (binfmt) on Debian's own arm64 glibc and libssl, installed side by side
# (multiarch) as a Raspberry Pi has them: .NET loads libssl for hashing (zfs_replicate's hold tags, zfs_timer's
# check of an installed file). The cross toolchain's glibc is for linking only: loading it beside these hangs.
arm64_runtime_libs() {
  dpkg-query -W -f='${Status}' libssl3:arm64 2>/dev/null | grep -q 'install ok installed' && return 0
  say "setup: installing libssl3:arm64 (multiarch) for the arm64 builds under qemu-user"
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  step apt-arm64 bash -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libssl3:arm64"
}

# arm64 executables run through qemu-user; the kernel needs binfmt_misc mounted and the handler enabled.
enable_binfmt() {
  if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null \
      || { say "setup: WARNING: cannot mount binfmt_misc; arm64 binaries can only run through qemu-aarch64-static directly"; return 0; }
  fi
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || say "setup: WARNING: could not enable the qemu-aarch64 binfmt handler"
  fi
}

# ---------------------------------------------------------------- build

# Whether anything below the given paths (relative to the repository) is newer than the last build.
changed_since_build() {
  local stamp=$ART/.build-stamp path paths=()
  [ -f "$stamp" ] || return 0
  for path in "$@"; do paths+=("$ROOT/$path"); done
  # bin/ and obj/ pruned as directories: their own mtime changes with every build.
  [ -n "$(find "${paths[@]}" \( -name bin -o -name obj \) -prune -o -newer "$stamp" -print -quit)" ]
}

# Only what changed is redone: the executables (minutes) when src/ or the build settings changed, the test
# projects when tests/ did, the collection when ansible/ did.
build() {
  local native=false tests=false collection=false
  changed_since_build src build Directory.Build.props global.json ZfsAnsible.sln && native=true
  changed_since_build tests && tests=true
  changed_since_build ansible && collection=true
  [ -d "$COLLECTIONS" ] || collection=true
  if ! $native && ! $tests && ! $collection; then
    say "build: up to date"
    return 0
  fi
  # The stamp takes the time the build started: a file edited while it runs is built next time.
  mkdir -p "$ART"
  touch "$ART/.build-started"
  if $native || $tests; then
    say "build: compiling (warnings are errors)"
    step dotnet-build dotnet build "$ROOT/ZfsAnsible.sln" -c Release -warnaserror
  fi
  if $native; then
    local exe rid sysroot
    for rid in "${RIDS[@]}"; do
      sysroot=$(sysroot_for "$rid") || exit 1
      for exe in "${EXECUTABLES[@]}"; do
        say "build: NativeAOT $exe for $rid"
        # The link step does not rerun when only SysRoot changes: remove the linked binary so it always relinks (~7 s).
        rm -f "$ROOT/src/$exe/bin/Release/net10.0/$rid/native/$exe"
        step "publish-$exe-$rid" dotnet publish "$ROOT/src/$exe/$exe.csproj" -c Release -r "$rid" -p:SysRoot="$sysroot" -o "$ART/publish/$rid" -warnaserror
        check_glibc_floor "$ART/publish/$rid/$exe" "$rid"
      done
      for exe in "${PROGRAMS[@]}"; do
        ln -sfn zfsansible "$ART/publish/$rid/$exe"
      done
    done
  fi
  assemble_collection
  mv "$ART/.build-started" "$ART/.build-stamp"
}

# Debian bullseye sysroot (glibc 2.31) per architecture, cached in /var/cache/zfsansible (build/sysroot.sh).
sysroot_for() {
  local arch log
  case "$1" in linux-x64) arch=amd64 ;; linux-arm64) arch=arm64 ;; *) die "no sysroot for $1" ;; esac
  mkdir -p "$LOGS"; log=$LOGS/sysroot-$arch.log
  "$ROOT/build/sysroot.sh" "$arch" 2>"$log" || { tail -n 40 "$log" >&2; die "build/sysroot.sh $arch failed"; }
}

# Targets include Raspberry Pi OS bullseye (glibc 2.31): fail the build if a binary needs more.
check_glibc_floor() {
  local objdump=objdump floor
  [ "$2" = linux-arm64 ] && objdump=aarch64-linux-gnu-objdump
  floor=$("$objdump" -T "$1" | grep -oE 'GLIBC_[0-9.]+' | sort -uV | tail -n1)
  [ "$(printf '%s\n' "$floor" GLIBC_2.31 | sort -V | tail -n1)" = GLIBC_2.31 ] || die "$1 needs $floor, above bullseye's GLIBC_2.31"
}

# The collection holds each executable twice, one binary per architecture; its action plugin picks one per target.
# The binaries live in native/ and every module's plugins/modules/<module>_<arch> links to zfsansible_<arch>:
# ansible-doc -l skips links, so it lists each module once (from its docs stub) instead of warning that a binary
# has no documentation.
assemble_collection() {
  local stage=$ART/stage/zfs exe module arch rid
  rm -rf "$ART/stage" "$COLLECTIONS"
  mkdir -p "$ART/stage"
  cp -a "$ROOT/ansible" "$stage"
  cp "$ROOT/LICENSE" "$stage/LICENSE"   # galaxy.yml says MIT: the artifact carries the text
  mkdir -p "$stage/native" "$stage/tests/sanity"
  for arch in x86_64 aarch64; do
    rid=linux-x64; [ "$arch" = aarch64 ] && rid=linux-arm64
    for exe in "${EXECUTABLES[@]}"; do
      install -m 0755 "$ART/publish/$rid/$exe" "$stage/native/${exe}_$arch"
    done
    for module in "${MODULES[@]}"; do
      ln -s "../../native/zfsansible_$arch" "$stage/plugins/modules/${module}_$arch"
      # A task naming the link itself is refused by this action instead of running the binary undispatched.
      printf '%s\n' '# Generated by build.sh: a task may not name one architecture'"'"'s binary (see ArchitectureBinaryAction).' \
        'from ansible_collections.zfsansible.zfs.plugins.plugin_utils.native_module import ArchitectureBinaryAction as ActionModule  # noqa: F401 pylint: disable=unused-import' \
        > "$stage/plugins/action/${module}_$arch.py"
      printf 'plugins/action/%s_%s.py action-plugin-docs # generated by build.sh: refuses a task naming this binary; the module is %s\n' \
        "$module" "$arch" "$module" >> "$stage/tests/sanity/ignore-2.14.txt"
    done
  done
  rm -f "$ART"/zfsansible-zfs-*.tar.gz
  step galaxy-build ansible-galaxy collection build "$stage" --output-path "$ART" --force
  step galaxy-install ansible-galaxy collection install "$ART"/zfsansible-zfs-*.tar.gz -p "$COLLECTIONS" --force
  say "build: collection $(basename "$ART"/zfsansible-zfs-*.tar.gz) installed into $COLLECTIONS"
}

# ---------------------------------------------------------------- test

PASSED=0
FAILED=0
count() { PASSED=$((PASSED + $1)); FAILED=$((FAILED + $2)); }

# One check of a shell tier: counts, and shows the output only when it fails.
check() {
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then
    count 1 0
  else
    count 0 1
    say "FAILED: $name"
    printf '%s\n' "$out" | tail -n 30 | sed 's/^/    /'
  fi
}

lint_tier() {
  say "tier lint: yamllint, ansible-lint, ansible-doc, options against the native spec, RETURN against the answers"
  local before_p=$PASSED before_f=$FAILED module
  export ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS/ansible_collections
  check "yamllint" yamllint -s "$ROOT/ansible" "$ROOT/extensions" "$ROOT/.yamllint" "$ROOT/.ansible-lint" "$ROOT/tests/lint"
  check "ansible-lint" bash -c "cd '$ROOT' && ansible-lint ansible extensions"
  check "ansible-lint args: task options against each module's spec" bash -c "cd '$ROOT' && ansible-lint -c tests/lint/ansible-lint-args.yml ansible extensions"
  # One declaration of each module's options (the C# spec): the docs stubs, the role that mirrors one and the
  # command lines must agree with what the native executable itself validates.
  local subject
  for subject in "${MODULES[@]}" role:zfs_pools cli:zfs_snapshot_prune cli:zfs_replicate; do
    check "options of $subject match the native spec" /usr/bin/python3 "$ROOT/tests/lint/check_options.py" \
      "$ART/publish/linux-x64/zfsansible" "$COLLECTIONS/ansible_collections/zfsansible/zfs" "$subject"
  done
  for module in "${MODULES[@]}"; do
    check "ansible-doc zfsansible.zfs.$module" bash -c "ansible-doc zfsansible.zfs.$module | grep -q 'EXAMPLES' && ansible-doc zfsansible.zfs.$module | grep -q 'RETURN VALUES'"
    check "ansible-doc -l lists $module" bash -c "ansible-doc -l zfsansible.zfs 2>/dev/null | grep -q '^zfsansible.zfs.$module '"
  done
  check "ansible-doc -l lists modules without warnings" bash -c "! ansible-doc -l zfsansible.zfs 2>&1 | grep -i warning"
  for filter in zfs_datasets_with_policy zfs_policy_tree; do
    check "ansible-doc -t filter zfsansible.zfs.$filter" bash -c "ansible-doc -t filter zfsansible.zfs.$filter | grep -q 'EXAMPLES' && ansible-doc -t filter -l zfsansible.zfs 2>/dev/null | grep -q '^zfsansible.zfs.$filter '"
  done
  for exe in "${EXECUTABLES[@]}"; do
    check "the collection tarball holds both builds of $exe" bash -c "tar -tzf '$ART'/zfsansible-zfs-*.tar.gz | grep -qx 'native/${exe}_x86_64' && tar -tzf '$ART'/zfsansible-zfs-*.tar.gz | grep -qx 'native/${exe}_aarch64'"
  done
  check "the collection tarball carries the LICENSE galaxy.yml names" bash -c "tar -tzf '$ART'/zfsansible-zfs-*.tar.gz | grep -qx LICENSE"
  # module_defaults: {group/zfsansible.zfs.zfs: …} must reach every module (the group is listed by hand).
  # antsibull-changelog's format, linted as its lint would (it is not installable here), and CHANGELOG.md rendered from it.
  check "changelogs/changelog.yaml lists every plugin and role; CHANGELOG.md is rendered from it" \
    /usr/bin/python3 "$ROOT/tests/lint/changelog.py" check "$ROOT/ansible"
  check "meta/runtime.yml's action group lists every module" bash -c "diff <(printf '%s\\n' ${MODULES[*]} | sort) <(sed -n 's/^    - //p' '$ROOT/ansible/meta/runtime.yml' | sort)"
  # RETURN: every module run (check mode, real, again, failing) on zfs-fuse, each answer held to what ansible-doc shows.
  dotnet_tests "lint (RETURN contract)" "$LOGS/return-contract-test.log" --project "$ROOT/tests/ZfsAnsible.Contract.Tests" -- --filter-class "$RETURN_CLASS"
  sanity_checks
  check "the collection tarball fits Galaxy's 20 MB limit" bash -c "[ \$(stat -c %s '$ART'/zfsansible-zfs-*.tar.gz) -le 20000000 ]"
  say "tier lint: $((PASSED - before_p)) passed, $((FAILED - before_f)) failed"
}

# ansible-test sanity on the built collection, all of its tests. Those that need tools run in virtualenvs it would
# fill from PyPI, out of reach here: each such virtualenv is made from Debian's packages instead, marked ready the way
# ansible-test marks its own (with whether PyYAML has libyaml, which its yamllint test needs). The import tests' ones
# stay isolated, as ansible-test makes them, holding only what it would install there (PyYAML; for plugins also
# Jinja2 and MarkupSafe); the others see the system's site-packages (pylint, pycodestyle, voluptuous, yamllint).
SANITY_TESTS=(action-plugin-docs ansible-doc changelog compile empty-init future-import-boilerplate ignores import
  line-endings metaclass-boilerplate no-assert no-basestring no-dict-iteritems no-dict-iterkeys no-dict-itervalues
  no-get-exception no-illegal-filenames no-main-display no-smart-quotes no-unicode-literals pep8 pslint pylint
  replace-urlopen runtime-metadata shebang shellcheck symlinks use-argspec-type-path use-compat-six validate-modules
  yamllint)
SANITY_WITH_TOOLS=(ansible-doc changelog import pep8 pylint runtime-metadata validate-modules yamllint)

# Makes the virtualenvs TEST asks for, one per run until it asks for none (run in the collection).
sanity_venv() {
  local venv site package packages links
  packages=$(/usr/bin/python3 -c 'import os, yaml; print(os.path.dirname(os.path.dirname(yaml.__file__)))')
  for _ in 1 2 3; do
    venv=$(ansible-test sanity --python "$2" --test "$1" </dev/null 2>&1 | grep -o "$HOME/.ansible/test/venv/[^\" ]*/bin/python" | head -n1) || true
    [ -n "$venv" ] || return 0   # none missing: that run was the test itself
    venv=${venv%/bin/python}
    case $venv in
      */sanity.import/*) links=(yaml _yaml) ;;
      */sanity.import.plugin/*) links=(yaml _yaml jinja2 markupsafe) ;;
      *) links=() ;;
    esac
    rm -rf "$venv"
    if [ ${#links[@]} -gt 0 ]; then
      /usr/bin/python3 -m venv --without-pip "$venv"
      site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
      for package in "${links[@]}"; do ln -s "$packages/$package" "$site/$package"; done
    else
      /usr/bin/python3 -m venv --system-site-packages --without-pip "$venv"
    fi
    echo ok >"$venv/marker.txt"; echo '[]' >"$venv/meta.install.json"
    "$venv/bin/python" -c 'import json, yaml; print(json.dumps(yaml.__with_libyaml__))' >"$venv/meta.yaml.json"
  done
}

sanity_checks() {
  # Outside the repository: inside a git work tree ansible-test lists files with git, and artifacts/ is ignored.
  local root tree python test tests=()
  root=$(mktemp -d /tmp/zfsansible-sanity.XXXX); tree=$root/ansible_collections/zfsansible
  mkdir -p "$tree"; cp -a "$ART/stage/zfs" "$tree/zfs"
  python=$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  for test in "${SANITY_WITH_TOOLS[@]}"; do
    (cd "$tree/zfs" && sanity_venv "$test" "$python") || say "WARNING: no virtualenv could be made for sanity test $test"
  done
  for test in "${SANITY_TESTS[@]}"; do tests+=(--test "$test"); done
  # Every test must have started and none skipped: ansible-test passes with a skip warning.
  check "ansible-test sanity (${#SANITY_TESTS[@]} tests)" bash -c "cd '$tree/zfs' && out=\$(ansible-test sanity --python $python ${tests[*]} </dev/null 2>&1); rc=\$?
    printf '%s\n' \"\$out\"; [ \$rc -eq 0 ] && [ \$(grep -c '^Running sanity test' <<<\"\$out\") -eq ${#SANITY_TESTS[@]} ] && ! grep -q 'Skipping sanity test' <<<\"\$out\""
  rm -rf "$root"
}

# Runs dotnet test with the given arguments and counts its summary into the totals.
dotnet_tests() {
  local label=$1 log=$2; shift 2
  mkdir -p "$LOGS"
  set +e
  # Detailed: every test's duration is in the log (what a tier's time goes to).
  ZFSANSIBLE_ROOT=$ROOT dotnet test -c Release --no-build --output Detailed "$@" >"$log" 2>&1
  local rc=$?
  set -e
  local total failed succeeded skipped
  total=$(grep -E '^\s+total: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)
  failed=$(grep -E '^\s+failed: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)
  succeeded=$(grep -E '^\s+succeeded: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)
  skipped=$(grep -E '^\s+skipped: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)
  if [ -z "$total" ]; then
    say "FAILED: tier $label: dotnet test produced no summary (exit $rc); see $log"
    tail -n 30 "$log" | sed 's/^/    /'
    count 0 1
    return
  fi
  grep -E '^\s*failed [A-Za-z]' "$log" | sed 's/^\s*/FAILED: /' | head -n 50 || true
  # The first failures' messages and where in the tests they failed: CI shows this output, not the log.
  awk '/^[[:space:]]*(failed|passed) [A-Za-z]/ { within = 0 }
       /^[[:space:]]*failed [A-Za-z]/ { if (++shown > 3) exit; within = 1; n = 6; print "  " $2 ":"; next }
       within && n-- > 0 { print "    " $0 }
       within && / at ZfsAnsible\..*Tests\..* in .*:[0-9]+$/ { sub(/^[[:space:]]*/, ""); print "    " $0; within = 0 }' "$log"
  if [ "${skipped:-0}" -gt 0 ]; then
    say "WARNING: $skipped tests of tier $label were SKIPPED (see $log): a skipped test is counted as failed"
  fi
  count "${succeeded:-0}" "$(( ${failed:-0} + ${skipped:-0} ))"
  if [ "$rc" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then
    say "FAILED: tier $label: dotnet test exited $rc without failed tests; see $log"
    count 0 1
  fi
  say "tier $label: ${succeeded:-0} passed, $(( ${failed:-0} + ${skipped:-0} )) failed (log: $log)"
  slowest_tests "$log" | sed "s/^/tier $label: slowest: /"
}

# The three tests of a log that took longest, "Class.Test (duration)": where a tier's time goes.
slowest_tests() {
  awk '/^[[:space:]]*(passed|failed) [A-Za-z]/ && match($0, /\(([0-9]+h )?([0-9]+m )?([0-9]+s )?[0-9]+ms\)$/) {
         d = substr($0, RSTART + 1, RLENGTH - 2)
         ms = 0; n = split(d, part, " ")
         for (i = 1; i <= n; i++) {
           v = part[i] + 0
           ms += part[i] ~ /ms$/ ? v : part[i] ~ /h$/ ? v * 3600000 : part[i] ~ /m$/ ? v * 60000 : v * 1000
         }
         name = $2; sub(/^ZfsAnsible\.[A-Za-z]+\.Tests\./, "", name)
         printf "%d\t%s (%s)\n", ms, name, d
       }' "$1" | sort -rn | awk -F '\t' 'NR <= 3 { print $2 }'  # awk reads on: head would end sort with SIGPIPE (pipefail)
}

GUEST_CLASS="*.OpenZfsGuest*"
RETURN_CLASS="*.ReturnContractTests"  # run by the lint tier

dotnet_tier() {
  say "tier dotnet: unit, contract (x64 + arm64 binaries) and integration (ansible-playbook on zfs-fuse)"
  # One test project at a time: contract and integration both drive the one zfs-fuse daemon, which can
  # deadlock under concurrent pool creation and destruction.
  dotnet_tests dotnet "$LOGS/dotnet-test.log" --solution "$ROOT/ZfsAnsible.sln" --max-parallel-test-modules 1 -- --filter-not-class "$GUEST_CLASS" --filter-not-class "$RETURN_CLASS"
}

# Real OpenZFS 2.x: the integration scenarios again, against a QEMU guest reached over SSH.
guest_tier() {
  say "tier openzfs-guest: the integration scenarios on OpenZFS 2.x in a QEMU guest, over SSH"
  local guest=$ROOT/tests/vm/openzfs-guest.sh
  if ! "$guest" image >"$LOGS/guest-image.log" 2>&1; then
    say "FAILED: tier openzfs-guest DID NOT RUN: the guest image could not be built (see $LOGS/guest-image.log):"
    tail -n 5 "$LOGS/guest-image.log" | sed 's/^/    /'
    count 0 1
    return
  fi
  GUEST_UP=1
  if ! "$guest" boot >"$LOGS/guest-boot.log" 2>&1; then
    say "FAILED: tier openzfs-guest DID NOT RUN: the guest did not boot (see $LOGS/guest-boot.log):"
    tail -n 5 "$LOGS/guest-boot.log" | sed 's/^/    /'
    count 0 1
    return
  fi
  local key value
  while IFS='=' read -r key value; do export "$key=$value"; done < <("$guest" env)
  say "tier openzfs-guest: guest up ($(tail -n1 "$LOGS/guest-boot.log" | sed 's/^\[[^]]*\] //'))"
  dotnet_tests openzfs-guest "$LOGS/guest-test.log" --project "$ROOT/tests/ZfsAnsible.Integration.Tests" -- --filter-class "$GUEST_CLASS"
  "$guest" stop
  GUEST_UP=0
}

molecule_tier() {
  say "tier molecule: each scenario's sequence through tests/molecule-run.sh (Molecule itself is not packaged for Debian 12)"
  local scenario before_p=$PASSED before_f=$FAILED out
  for scenario in "$ROOT"/extensions/molecule/*/molecule.yml; do
    scenario=$(dirname "$scenario")
    out=$("$ROOT/tests/molecule-run.sh" "$scenario" 2>&1) || true
    local p f
    p=$(printf '%s\n' "$out" | grep -c '^ok: ' || true)
    f=$(printf '%s\n' "$out" | grep -c '^FAILED: ' || true)
    count "$p" "$f"
    [ "$f" -eq 0 ] || printf '%s\n' "$out" | grep -A30 '^FAILED: ' | head -n 60 | sed 's/^/    /'
    [ "$p" -gt 0 ] || { say "FAILED: molecule scenario ${scenario#"$ROOT"/} ran no step"; count 0 1; }
  done
  say "tier molecule: $((PASSED - before_p)) passed, $((FAILED - before_f)) failed"
}

# A run that ends early (a command failed outside a check, under set -e) still ends with the totals line, one more
# failure counted, and says where it stopped; a guest it booted is stopped.
GUEST_UP=0
TESTING=0
STOPPED_AT=""
finish_tests() {
  local rc=$?
  [ "$GUEST_UP" = 0 ] || "$ROOT/tests/vm/openzfs-guest.sh" stop || true
  [ "$TESTING" = 1 ] || return 0
  say "FAILED: build.sh test stopped early (exit $rc)${STOPPED_AT:+ at: $STOPPED_AT}"
  say "$PASSED passed, $((FAILED + 1)) failed"
}

run_tests() {
  TESTING=1
  set -E  # the ERR trap below sees failures inside functions too; it only records where
  trap 'STOPPED_AT="line $LINENO: $BASH_COMMAND"' ERR
  trap finish_tests EXIT
  setup
  build
  "$ROOT/tests/sandbox/zfs-sandbox.sh" start \
    || say "WARNING: the zfs-fuse sandbox did not start: every test that needs real ZFS will FAIL (not skip)"
  lint_tier
  dotnet_tier
  molecule_tier
  guest_tier
  TESTING=0
  say "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

# ---------------------------------------------------------------- demo

demo() {
  setup
  build
  "$ROOT/tests/sandbox/zfs-sandbox.sh" start
  export ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS/ansible_collections ZFS_SANDBOX_DIR=$SANDBOX
  demo_services_stop
  "$ROOT/tests/sandbox/zfs-sandbox.sh" cleanup "$SANDBOX" demo
  "$ROOT/tests/sandbox/zfs-sandbox.sh" vdevs "$SANDBOX" 4 256M
  say "demo: converging the sandbox inventory (pool 'demotank': a mirror and a log on file vdevs in $SANDBOX)"
  ansible-playbook -i "$ROOT/ansible/inventory/sandbox/hosts.yml" "$ROOT/ansible/playbooks/site.yml"
  say "demo: second run, which must change nothing"
  ansible-playbook -i "$ROOT/ansible/inventory/sandbox/hosts.yml" "$ROOT/ansible/playbooks/site.yml" | tee "$LOGS/demo-second-run.log" | tail -n 4
  grep -qE 'changed=0 ' "$LOGS/demo-second-run.log" || die "demo: the second run changed something"
  say "demo: snapshots per policy, then demotank's replicated datasets pulled into demobackup (playbooks/snapshots_and_backups.yml)"
  ansible-playbook -i "$ROOT/ansible/inventory/sandbox/hosts.yml" "$ROOT/ansible/playbooks/snapshots_and_backups.yml"
  say "demo: zfs-api as the zfs_api role installed it into $SANDBOX/root: this host's pool health from 'zfs-api once'"
  "$SANDBOX/root/usr/local/lib/zfsansible/zfs-api" once --hostname localhost | grep -E '^zfs_pool_health\{.*\} 1$'
  demo_pi
  demo_services_start
  say "demo: VictoriaMetrics scraped zfs-api over HTTPS; PromQL 'max by (hostname, pool, state) (zfs_pool_health == 1)' answers:"
  demo_query 'max by (hostname, pool, state) (zfs_pool_health == 1)'
  say "demo: and 'sort(zfs_snapshot_compliance_ratio < 1)' (datasets missing their policy; the sandbox's history is minutes old):"
  demo_query 'sort(zfs_snapshot_compliance_ratio < 1)' | head -n 6
  say ""
  say "demo: where to look"
  say "  zpool status demotank                 the pool the playbook made"
  say "  zfs list -t snapshot -r demotank      snapshots taken per policy (zfsansible_<UTC time>_<interval>)"
  say "  zfs list -r -o name,readonly,zfsansible:last_bytes demobackup   the pulled replicas"
  say "  $ART/publish/linux-x64/zfs_snapshot_prune status   retention compliance, as the timer sees it"
  say "  $ART/publish/linux-x64/zfs_pool facts --name demotank   the module as a command"
  say "  $ART/publish/linux-x64/pi_boot_config show --path $SANDBOX/raspberry-pi/boot/firmware/config.txt"
  say "                                        the fake Pi's config.txt as its firmware reads it"
  say "  curl --cacert $SANDBOX/zfs-api-certs/localhost.pem https://localhost:9742/api/pools"
  say "                                        zfs-api serving the JSON API and /metrics (running; logs in $SANDBOX/run)"
  say "  http://127.0.0.1:8428/vmui           VictoriaMetrics (the README's PromQL questions; the role's Grafana"
  say "                                        dashboard is ansible/roles/victoriametrics/files/grafana/zfsansible-fleet.json)"
  say "  http://127.0.0.1:8880/api/v1/alerts   vmalert's alerts (try: zpool offline demotank $SANDBOX/vdev2)"
  say "  ansible-doc zfsansible.zfs.zfs_pool   (with ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS/ansible_collections)"
  say "  ./build.sh clean                      stops zfs-api, VictoriaMetrics and vmalert; removes the sandbox pool and files"
}

# belinda's boot settings on a fake Raspberry Pi 5 (bookworm's stock config.txt in $SANDBOX/raspberry-pi), through
# the arm64 build under qemu-user as on the Pi: PCIe gen 3 goes in once and asks for a reboot once.
demo_pi() {
  local pi=$SANDBOX/raspberry-pi args
  rm -rf "$pi"
  mkdir -p "$pi/boot/firmware" "$pi/proc/device-tree"
  cp "$ROOT/tests/ZfsAnsible.Domain.Tests/BootConfig/files/bookworm-stock.txt" "$pi/boot/firmware/config.txt"
  printf 'Raspberry Pi 5 Model B Rev 1.0\0' >"$pi/proc/device-tree/model"
  args="{\"settings\": [{\"dtparam\": \"pciex1\"}, {\"dtparam\": \"pciex1_gen\", \"value\": 3}], \"path\": \"$pi/boot/firmware/config.txt\", \"model_path\": \"$pi/proc/device-tree/model\", \"reboot_marker\": \"$pi/run/reboot-required\"}"
  say "demo: a fresh Raspberry Pi 5 image's config.txt gets PCIe gen 3 (zfsansible.zfs.pi_boot_config, arm64 build), twice:"
  local run
  for run in 1 2; do
    ansible -i localhost, localhost -c local -o -m zfsansible.zfs.pi_boot_config -a "$args" \
      -e zfsansible_native_arch=aarch64 | grep -oE '"(changed|reboot_required|reboot_pending|module_build)": [^,]+' | paste -sd ' '
  done
  "$ART/publish/linux-x64/pi_boot_config" show --path "$pi/boot/firmware/config.txt" --section all | tail -n 2
}

# The services as systemd would run them from the files the roles wrote into the sandbox (this machine has no
# systemd): zfs-api, then victoria-metrics and vmalert with the ARGS of their environment files. They keep
# running after the demo; their pids and logs are in $SANDBOX/run.
demo_services_start() {
  demo_services_stop
  local run=$SANDBOX/run root=$SANDBOX/root etc=$SANDBOX/victoria-metrics/etc ARGS
  mkdir -p "$run"
  setsid "$root/usr/local/lib/zfsansible/zfs-api" serve --config "$root/etc/zfsansible/zfs-api.json" \
    --cert "$root/etc/zfsansible/zfs-api/cert.pem" --key "$root/etc/zfsansible/zfs-api/key.pem" >"$run/zfs-api.log" 2>&1 &
  echo $! >"$run/zfs-api.pid"
  # shellcheck disable=SC1091
  . "$etc/victoria-metrics.env"
  # shellcheck disable=SC2086
  setsid victoria-metrics $ARGS >"$run/victoria-metrics.log" 2>&1 &
  echo $! >"$run/victoria-metrics.pid"
  # shellcheck disable=SC1091
  . "$etc/vmalert.env"
  # shellcheck disable=SC2086
  setsid vmalert $ARGS >"$run/vmalert.log" 2>&1 &
  echo $! >"$run/vmalert.pid"
  local i
  for i in $(seq 1 60); do
    [ -n "$(demo_query 'zfs_pool_health' 2>/dev/null)" ] && return 0
    sleep 1
  done
  tail -n 5 "$run"/*.log >&2
  die "demo: VictoriaMetrics has no samples from zfs-api after 60 s (logs in $run)"
}

demo_services_stop() {
  local file pid i
  for file in "$SANDBOX"/run/*.pid; do
    [ -f "$file" ] || continue
    pid=$(cat "$file")
    kill "$pid" 2>/dev/null || true
    # Gone before anything removes the files they write (VictoriaMetrics flushes on SIGTERM).
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$file"
  done
}

# An instant query against the demo's VictoriaMetrics, one "labels value" line per series.
demo_query() {
  python3 - "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
url = "http://127.0.0.1:8428/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[1]})
for series in json.load(urllib.request.urlopen(url, timeout=10))["data"]["result"]:
    labels = ", ".join(f"{k}={v}" for k, v in sorted(series["metric"].items()) if k not in ("__name__", "job", "instance"))
    print(f"    {labels}  {float(series['value'][1]):.3g}")
PY
}

clean() {
  demo_services_stop
  [ -x "$ROOT/tests/sandbox/zfs-sandbox.sh" ] && command -v zpool >/dev/null && "$ROOT/tests/sandbox/zfs-sandbox.sh" cleanup "$SANDBOX" demo || true
  rm -rf "$ART"
  find "$ROOT/src" "$ROOT/tests" -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
}

bench() {
  setup
  build
  "$ROOT/tests/sandbox/zfs-sandbox.sh" start
  ZFSANSIBLE_ROOT=$ROOT "$ROOT/bench/run.sh" "$@"
}

case "${1:-}" in
  setup) setup ;;
  build) setup; build ;;
  test) run_tests ;;
  demo) demo ;;
  bench) shift; bench "$@" ;;
  clean) clean ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
