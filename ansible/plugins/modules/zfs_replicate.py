#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ZfsAnsible contributors
# MIT License (see galaxy.yml)
#
# Documentation only: zfsansible.zfs.zfs_replicate is a NativeAOT binary module dispatched per
# target architecture by plugins/action/zfs_replicate.py (see module_utils/native_docs.py).

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: zfs_replicate
short_description: Replicate ZFS datasets with zfs send | ssh | zfs recv - pull or push, resumable, never destructive
version_added: 0.1.0
author:
  - ZfsAnsible contributors (@zfsansible)
description:
  - Brings each target dataset up to its source, one transfer at a time - a full send of the
    source's oldest snapshot when the target is missing, then C(zfs send -I) from the newest
    common snapshot to the source's newest, so every snapshot in between arrives too.
  - The incremental base is the newest snapshot both sides have, identified by GUID, not by name.
  - Never destroys or rolls back anything on the target - no C(zfs recv -F). A target that exists
    but shares no snapshot with its source, or holds snapshots newer than the common base that
    the source lacks, fails the task naming it, and nothing is sent.
  - Received datasets are not mounted (C(zfs recv -u)), and are kept C(readonly=on) and
    C(canmount=noauto) (checked on every run), below I(target_root) - never over a live path.
  - Interrupted transfers resume where they stopped (C(zfs recv -s), C(zfs send -t)) where the
    receiving ZFS supports it (OpenZFS; not zfs-fuse).
  - The snapshot a transfer delivers (the base of the next one) gets this target's user hold
    (C(zfsansible-replica-<hash of the target>)) and its id (C(<receiving host>:<target_root>)) in
    the source snapshot's C(zfsansible:replicated) while the stream runs; once it is held and
    received, this target's previous base loses both. Each target has its own, so a pull to the
    backup server and an offsite push of the same dataset never release each other's base.
    M(zfsansible.zfs.zfs_snapshot_prune) never destroys a held snapshot, nor one marked for any target.
  - The target records C(zfsansible:last_success) (Unix time), C(zfsansible:last_duration_ms)
    and C(zfsansible:last_bytes) for the metrics.
  - Each replica is labelled with its source's policy - C(zfsansible:replica_policy) and
    C(zfsansible:replica_retention), set locally on the target (never a received C(zfsansible:policy))
    - so M(zfsansible.zfs.zfs_snapshot_prune) on the backup server prunes it by that retention
    (or I(replica_retention)'s), never takes a snapshot of it, and always keeps its newest snapshot
    (the base of the next pull) and any snapshot that is the base of an onward push.
  - A discovery (no I(datasets)) that finds no dataset to replicate fails the task instead of
    reporting "0 datasets up to date", unless I(allow_empty=true).
  - On a source, the backup server's key can be restricted to exactly what a pull needs with the
    forced command C(zfs_replicate serve --allow DATASET ...) (see the C(backups_zfs_server) role) -
    list and read the allowed datasets, send them (full, incremental, resumed), hold and release
    replication tags and mark bases; anything else is refused with its reason on stderr and in the
    system log. A pull through it needs I(source_roots) or I(datasets) (it cannot list the pools).
  - One run per source host at a time - a lock file in I(lock_dir), held with C(flock) (the kernel
    drops it when the process dies), and beside it a C(.pid) file with the PID and start time. A lock a dead run left is
    taken over with a warning; a live one fails the task naming the PID and since when. SIGTERM, SIGINT and SIGHUP stop the transfer's processes, release the
    lock and end the run as failed.
  - The stream passes through the module (no C(pv), C(mbuffer) or shell on either host), which
    counts its bytes and applies I(bandwidth_limit).
  - The same binary is the backup timer's command - C(zfs_replicate run --target-root ... --remote-host ...).
extends_documentation_fragment:
  - zfsansible.zfs.native
options:
  datasets:
    description:
      - Source datasets to replicate. Default - every dataset on the source whose policy says
        C(replicate) (C(zfsansible:replicate=on), written by M(zfsansible.zfs.zfs_dataset_policy),
        including children discovered in a discovering subtree).
    type: list
    elements: str
    default: []
  source_roots:
    description:
      - Without I(datasets) - discover the datasets to replicate below these only. Default - every
        imported pool of the source. Mutually exclusive with I(datasets).
    type: list
    elements: str
    default: []
  target_root:
    description:
      - Dataset under which each source dataset is received by its full name, for example
        C(slowpool/backups/raw/host-storage) receives C(tank/documents) as
        C(slowpool/backups/raw/host-storage/tank/documents). Missing parents are created.
    type: str
    required: true
  direction:
    description:
      - C(pull) - this host receives; the source is I(remote_host) (the backup server's way).
      - C(push) - this host sends; the target is I(remote_host) (offsite).
    type: str
    choices: [pull, push]
    default: pull
  remote_host:
    description:
      - The other host, reached with C(ssh) in batch mode (keys only). Without it both ends are
        on this host (a local backup pool).
    type: str
  remote_user:
    description: User on I(remote_host); it must be allowed to run C(zfs send) (pull) or C(zfs recv) (push).
    type: str
    default: root
  remote_port:
    description: SSH port of I(remote_host).
    type: int
    default: 22
  ssh_key:
    description: Absolute path of the private key on this host. Treated as a secret (never printed).
    type: path
  ssh_options:
    description:
      - Extra C(ssh -o) options, each C(Key=value) without spaces, for example C(StrictHostKeyChecking=accept-new).
      - Only options that tune the connection and host-key checking are accepted - C(AddressFamily),
        C(CASignatureAlgorithms), C(CheckHostIP), C(Ciphers), C(Compression), C(ConnectionAttempts),
        C(ConnectTimeout), C(FingerprintHash), C(GlobalKnownHostsFile), C(HashKnownHosts),
        C(HostKeyAlgorithms), C(HostKeyAlias), C(IPQoS), C(KexAlgorithms), C(LogLevel), C(MACs),
        C(PubkeyAcceptedAlgorithms), C(PubkeyAcceptedKeyTypes), C(RekeyLimit), C(RequiredRSASize),
        C(ServerAliveCountMax), C(ServerAliveInterval), C(StrictHostKeyChecking), C(TCPKeepAlive),
        C(UpdateHostKeys), C(UserKnownHostsFile), C(VerifyHostKeyDNS).
      - Anything else fails the task before ssh runs, the dangerous ones by name with the reason -
        C(ProxyCommand), C(LocalCommand), C(PermitLocalCommand), C(KnownHostsCommand) and C(Match)
        run a local command; C(PKCS11Provider) and C(SecurityKeyProvider) load a library into ssh;
        C(Include) reads more configuration; C(ProxyJump), C(RemoteCommand), the C(Control*) and
        forwarding options change what runs where; C(IdentityFile), C(User), C(Port), C(Hostname)
        have their own options here.
    type: list
    elements: str
    default: []
  bandwidth_limit:
    description:
      - Bytes per second the stream may use, for example C(3M) or C(500K). C(0) or unset - no limit.
    type: str
  raw:
    description:
      - Raw sends (C(zfs send -w)) - an encrypted dataset travels and lands encrypted; the target
        never needs its key. Needs OpenZFS on both ends.
    type: bool
    default: false
  resume:
    description: Resume an interrupted transfer from the target's C(receive_resume_token). When false, such a target fails the task.
    type: bool
    default: true
  hold:
    description: Hold and mark the replicated base snapshot on the source (see the description).
    type: bool
    default: true
  lock_dir:
    description:
      - Directory of the per-source-host lock files (C(replicate-<remote_host>.lock) and C(.pid) when pulling,
        C(replicate-local.*) when the source is this host).
    type: path
    default: /run/zfsansible
  replica_retention:
    description:
      - "Retention the replicas keep instead of their source's, per policy name, with C(*) for every
        policy, for example C({'*': {daily: 60}, critical: {monthly: 24}}) (the C(*) entry first,
        then the policy's own entry, each interval put over the source's count)."
      - Written on each replica as C(zfsansible:replica_retention); changing it relabels the replicas
        and transfers nothing.
    type: dict
    default: {}
  allow_empty:
    description:
      - When discovery finds no dataset to replicate, only warn. By default the run fails, so a
        replication that is configured but does nothing never looks healthy.
    type: bool
    default: false
notes:
  - Each run observes both ends of every dataset and plans it whole before anything changes - parents, transfers,
    holds, marks, protection, the success record. Check mode is the same run without applying, and its
    C(commands) list exactly what a real run issues, in order; it takes no lock and sends nothing.
  - A dataset whose target must be left alone (not made by this replication, diverged, or a name longer than ZFS
    allows below I(target_root)) gets no command at all; the other datasets still go ahead, and the task fails
    naming each one left alone.
  - For a systemd timer, run the same binary as a command - C(zfs_replicate run --target-root ...
    --remote-host ...) takes the same options; it exits 143 on SIGTERM, 130 on SIGINT, 129 on SIGHUP.
seealso:
  - module: zfsansible.zfs.zfs_snapshot_prune
  - module: zfsansible.zfs.zfs_dataset_policy
  - name: zfs-send(8)
    description: Incremental, raw and resumable sends.
    link: https://openzfs.github.io/openzfs-docs/man/master/8/zfs-send.8.html
'''

EXAMPLES = r'''
- name: Pull host-storage's replicated datasets to the backup pool on belinda
  zfsansible.zfs.zfs_replicate:
    remote_host: host-storage
    target_root: slowpool/backups/raw/host-storage
    ssh_key: /root/.ssh/backup_ed25519
  register: pulled

- name: Offsite push, limited to 3 MB/s, raw so the offsite host never sees plaintext
  zfsansible.zfs.zfs_replicate:
    direction: push
    remote_host: host-albion
    target_root: offsite/belinda
    datasets: [slowpool/backups/raw/host-storage/tank/documents]
    bandwidth_limit: 3M
    raw: true

- name: See what would be sent
  zfsansible.zfs.zfs_replicate:
    remote_host: host-storage
    target_root: slowpool/backups/raw/host-storage
  check_mode: true
'''

RETURN = r'''
msg:
  description: One line - how many datasets were replicated, bytes and seconds; or why the run failed.
  returned: always
  type: str
  sample: "replicated 2 of 3 datasets, 10485760 bytes in 4.2 s"
datasets:
  description:
    - One entry per dataset handled, in order. C(action) is C(full), C(incremental), C(resumed)
      (joined with C(+) when one run needed several, for example C(full+incremental)),
      C(up_to_date) or C(no_snapshot).
  returned: success
  type: list
  elements: dict
  sample: [{"source": "tank/documents", "target": "slowpool/backups/raw/host-storage/tank/documents",
            "action": "incremental", "newest": "zfsansible_2026-11-26T08:00:00Z_hourly", "bytes": 1560, "seconds": 0.4}]
bytes:
  description: Bytes transferred in total.
  returned: success
  type: int
  sample: 1560
commands:
  description: The commands run (the pipes as C(send | recv), remote halves as C(ssh user@host ...)).
  returned: success
  type: list
  elements: str
  sample: ["ssh root@host-storage zfs send -I tank/documents@a tank/documents@b | zfs recv -u -s slowpool/backups/raw/host-storage/tank/documents"]
diff:
  description: Each changed target's newest snapshot before and after.
  returned: when diff mode is enabled
  type: dict
module_build:
  description: The native build that answered, C(linux-x64) or C(linux-arm64).
  returned: always
  type: str
  sample: linux-arm64
zfs_implementation:
  description:
    - The ZFS found on this host (the receiving side of a pull, the sending side of a push), for example
      C(openzfs 2.3.2) or C(zfs-fuse / legacy); null when the run stopped before ZFS was probed (the other host
      unreachable).
  returned: success
  type: str
  sample: openzfs 2.3.2
remote_zfs_implementation:
  description: The ZFS found on I(remote_host); null without I(remote_host) or when the run stopped before the probe.
  returned: success
  type: str
  sample: openzfs 2.1.11
'''

from ansible_collections.zfsansible.zfs.plugins.module_utils.native_docs import docs_only_main


def main():
    docs_only_main(DOCUMENTATION, 'zfs_replicate', no_log={'ssh_key': True})


if __name__ == '__main__':
    main()
