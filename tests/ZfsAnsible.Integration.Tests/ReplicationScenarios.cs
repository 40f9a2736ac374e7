using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// zfsansible.zfs.zfs_replicate through real ansible-playbook and real ssh (a test sshd on 127.0.0.1 here, the
/// guest's own sshd there): a source pool pulled into a backup pool on the same target, and the safety rules of
/// docs/safety.md rules 3 and 4 tried against real ZFS.
/// </summary>
public abstract class ReplicationScenarios : IDisposable
{
    protected ReplicationScenarios(IZfsTarget target)
    {
        Target = target;
        Source = target.Pool("s");
        Backup = target.Pool("b");
        var vdevs = target.Vdevs(2);
        target.Check("zpool", "create", "-f", "-m", $"{target.Scratch}/{Source}", Source, vdevs[0]);
        target.Check("zpool", "create", "-f", "-m", $"{target.Scratch}/{Backup}", Backup, vdevs[1]);
        target.Check("zfs", "create", $"{Source}/docs");
        Ssh = target.LoopbackSsh();
        Root = $"{Backup}/raw/host1";
        LockDir = $"{target.Scratch}/locks";
    }

    protected IZfsTarget Target { get; }

    protected string Source { get; }

    protected string Backup { get; }

    protected LoopbackSsh Ssh { get; }

    /// <summary>The target_root: what the source lands under.</summary>
    protected string Root { get; }

    protected string LockDir { get; }

    protected string Docs => $"{Source}/docs";

    protected string Replica => $"{Root}/{Source}/docs";

    public void Dispose()
    {
        Target.Dispose();
        GC.SuppressFinalize(this);
    }

    protected PlaybookRun Replicate(string extra = "", string datasets = "", string? root = null, params string[] playOptions) =>
        Target.Play(AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_replicate:
                    target_root: {root ?? Root}
                    lock_dir: {LockDir}
                    datasets: {(datasets.Length > 0 ? datasets : $"[{Docs}]")}
            {Ssh.ModuleOptions("        ")}
            {extra}
            """), playOptions);

    protected string Get(string property, string dataset) => Target.Check("zfs", "get", "-H", "-p", "-o", "value", property, dataset).Trim();

    protected List<string> SnapshotNames(string dataset) =>
        [.. Target.Check("zfs", "list", "-H", "-o", "name", "-t", "snapshot", "-r", dataset).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(n => n.StartsWith(dataset + "@", StringComparison.Ordinal)).Select(n => n[(dataset.Length + 1)..])];

    protected bool Exists(string dataset) => Target.Run("zfs", "list", "-H", "-o", "name", dataset).ExitCode == 0;

    /// <summary>Nobody holds the host's lock any more, and its .pid is gone.</summary>
    protected void AssertLockReleased()
    {
        Assert.Equal(0, Target.Run("flock", "-n", $"{LockDir}/replicate-127.0.0.1.lock", "true").ExitCode);
        Assert.NotEqual(0, Target.Run("test", "-e", $"{LockDir}/replicate-127.0.0.1.pid").ExitCode);
    }

    /// <summary>The first "send | recv" the run reports.</summary>
    protected static string Pipe(PlaybookRun run) =>
        run.Result()["commands"]!.AsArray().Select(c => c!.GetValue<string>()).First(c => c.Contains(" | ", StringComparison.Ordinal));

    /// <summary>The commands a run reports, with the success record's measured values masked.</summary>
    protected static List<string> Commands(PlaybookRun run) =>
        [.. run.Result()["commands"]!.AsArray().Select(c => System.Text.RegularExpressions.Regex.Replace(c!.GetValue<string>(), @"(zfsansible:last_[a-z_]+)=\d+", "$1=N"))];

    protected static List<string> Actions(PlaybookRun run) => [.. run.Result()["datasets"]!.AsArray().Select(d => d!["action"]!.GetValue<string>())];

    /// <summary>Some data and snapshots on the source.</summary>
    protected void Snapshot(string dataset, params string[] names)
    {
        foreach (var name in names)
        {
            Target.Check("sh", "-c", $"echo {name} >> {Target.Scratch}/{dataset}/file-{name}");
            Target.Check("zfs", "snapshot", $"{dataset}@{name}");
        }
    }

    [Fact]
    public void Pull_over_ssh_brings_every_snapshot_and_a_second_run_changes_nothing()
    {
        Snapshot(Docs, "s1", "s2");
        var check = Replicate(playOptions: "--check");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Equal(1, check.Changed);
        Assert.False(Exists(Replica));

        var run = Replicate(playOptions: "--diff");
        Assert.True(run.ExitCode == 0, run.ToString());
        // Check mode lists every command the real run issued, in its order: parents, both transfers, holds, marks,
        // protection, the success record (whose values only the real run knows).
        Assert.Equal(Commands(check), Commands(run));
        Assert.Contains(Commands(run), c => c.StartsWith($"zfs create -p {Root}/{Source}", StringComparison.Ordinal));
        Assert.Contains(Commands(run), c => c.Contains($"zfs hold zfsansible-replica-", StringComparison.Ordinal));
        // OpenZFS receives the new replica already protected (zfs recv -o); zfs-fuse cannot, so it is protected right
        // after the full stream, one property per command.
        if (Target is OpenZfsGuest)
        {
            Assert.EndsWith($"zfs recv -u -s -o readonly=on -o canmount=noauto {Replica}", Pipe(run));
            Assert.DoesNotContain(Commands(run), c => c.StartsWith("zfs set readonly", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains($"zfs set readonly=on {Replica}", Commands(run));
        }

        Assert.Equal(1, run.Changed);
        Assert.Equal(["full+incremental"], Actions(run));
        Assert.StartsWith("ssh root@127.0.0.1 zfs send ", Pipe(run));
        Assert.Equal(["s1", "s2"], SnapshotNames(Replica));
        Assert.Equal(Get("guid", $"{Docs}@s2"), Get("guid", $"{Replica}@s2"));
        Assert.Equal("on", Get("readonly", Replica));
        Assert.Equal("noauto", Get("canmount", Replica));
        Assert.Equal("1", Get("userrefs", $"{Docs}@s2"));
        Assert.EndsWith($":{Root}", Get("zfsansible:replicated", $"{Docs}@s2")); // this target's id: receiving host and root
        Assert.True(long.Parse(Get("zfsansible:last_bytes", Replica), System.Globalization.CultureInfo.InvariantCulture) > 0);

        var second = Replicate();
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(0, second.Changed);
        Assert.Equal(["up_to_date"], Actions(second));

        // A new snapshot goes incrementally, and the base hold moves with it.
        Snapshot(Docs, "s3");
        var third = Replicate();
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Equal(["incremental"], Actions(third));
        Assert.Equal(["s1", "s2", "s3"], SnapshotNames(Replica));
        Assert.Equal("0", Get("userrefs", $"{Docs}@s2"));
        Assert.Equal("1", Get("userrefs", $"{Docs}@s3"));
        AssertLockReleased();
    }

    [Fact]
    public void A_target_it_did_not_create_is_left_alone()
    {
        Snapshot(Docs, "s1");
        Target.Check("zfs", "create", "-p", Replica);
        Target.Check("zfs", "snapshot", $"{Replica}@theirs");
        var run = Replicate();
        Assert.Equal(1, run.Failures);
        var msg = run.Result()["msg"]!.GetValue<string>();
        Assert.Contains($"{Replica} exists but shares no snapshot with {Docs}", msg);
        Assert.DoesNotContain('\n', msg);
        Assert.Equal(["theirs"], SnapshotNames(Replica));
        // Refused means untouched: still writable and mounting at boot, and not one command was sent its way.
        Assert.Equal("off", Get("readonly", Replica));
        Assert.Equal("on", Get("canmount", Replica));
        Assert.Empty(Commands(run));
        Assert.Equal(["refused"], Actions(run));
    }

    [Fact]
    public void SIGTERM_stops_the_transfer_releases_the_lock_and_exits_143()
    {
        var outcome = InterruptedPull("TERM");
        Assert.True(outcome.ExitCode == 143, outcome.ToString());
        Assert.Contains("interrupted by SIGTERM", outcome.StandardError);
        Assert.Contains("interrupted after", outcome.StandardError);
        AssertLockReleased();
        Assert.NotEqual(0, Target.Run("pgrep", "-f", $"zfs [s]end .*{Docs}").ExitCode);
        // Held and marked while it travelled: what the next run sends from cannot be destroyed meanwhile.
        Assert.Equal("1", Get("userrefs", $"{Docs}@big"));
        Assert.EndsWith($":{Root}", Get("zfsansible:replicated", $"{Docs}@big"));
        AfterInterruption();
        Assert.Equal("1", Get("userrefs", $"{Docs}@big"));
        Assert.EndsWith($":{Root}", Get("zfsansible:replicated", $"{Docs}@big"));
    }

    /// <summary>The timer's command line pulling <see cref="Docs"/> through <paramref name="ssh"/>, quoted for sh, with the uploaded binary.</summary>
    protected string TimerCommand(LoopbackSsh ssh, params string[] extra) =>
        string.Join(' ', new[] { Target.Upload(Repository.Executable("zfs_replicate", "linux-x64")), "run", "--target-root", Root, "--dataset", Docs, "--lock-dir", LockDir }
            .Concat(extra).Concat(ssh.CliOptions()).Select(w => $"'{w}'"));

    /// <summary>
    /// The timer's command pulling a 12 MB snapshot at 1 MB/s, sent <paramref name="signal"/> two seconds into the
    /// transfer, the way systemd stops it (the guest is slow to get there; zfs-fuse rewrites the sender's command line
    /// to "zfs send pool/ds snap", hence the loose pattern). Returns when the run and both halves of its pipe are gone.
    /// </summary>
    protected ProcessOutcome InterruptedPull(string signal)
    {
        Target.Check("sh", "-c", $"dd if=/dev/urandom of={Target.Scratch}/{Docs}/big bs=1M count=12 2>/dev/null");
        Target.Check("zfs", "snapshot", $"{Docs}@big");
        var command = TimerCommand(Ssh, "--bandwidth-limit", "1M");
        return Target.Run("sh", "-c", $$"""
            {{command}} 2>{{Target.Scratch}}/stderr & pid=$!
            i=0; until pgrep -f 'zfs [s]end .*{{Docs}}' >/dev/null; do sleep 0.2; i=$((i+1)); [ $i -lt 300 ] || break; done
            sleep 2; kill -{{signal}} $pid; wait $pid; rc=$?
            i=0; while pgrep -f 'zfs [r]ecv|zfs [s]end .*{{Docs}}' >/dev/null; do sleep 0.2; i=$((i+1)); [ $i -lt 150 ] || break; done
            cat {{Target.Scratch}}/stderr >&2; exit $rc
            """);
    }

    /// <summary>What the target can do with the interrupted transfer (resume it, or start it again).</summary>
    protected abstract void AfterInterruption();
}

public sealed class ZfsFuseReplicationTests() : ReplicationScenarios(new ZfsSandbox())
{
    // Discovery, the lock and the refusals decide from the same listings on every ZFS, and the emulated OpenZFS guest
    // costs about a minute a test: they run here (and as unit tests), the guest runs the transfers above.
    [Fact]
    public void Without_a_list_the_datasets_whose_policy_says_replicate_are_pulled()
    {
        var policy = Target.Play(AnsiblePlaybook.Play($$"""
                  zfsansible.zfs.zfs_dataset_policy:
                    policies:
                      kept: { snapshots: { daily: 7 }, replicate: true }
                      scratch: { snapshots: { hourly: 2 }, replicate: false }
                    datasets:
                      - { name: {{Docs}}, policy: kept }
                      - { name: {{Docs}}/sub, policy: kept }
                      - { name: {{Source}}/tmp, policy: scratch }
            """));
        Assert.True(policy.ExitCode == 0, policy.ToString());
        Snapshot(Docs, "d1");
        Snapshot($"{Docs}/sub", "d1");
        Snapshot($"{Source}/tmp", "t1");

        var run = Replicate($"        source_roots: [{Source}]", datasets: "[]");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([Docs, $"{Docs}/sub"], run.Result()["datasets"]!.AsArray().Select(d => d!["source"]!.GetValue<string>()));
        Assert.False(Exists($"{Root}/{Source}/tmp"));
        // The child lands in the parent's new replica: only the parent needed its parents made.
        Assert.Equal([$"zfs create -p {Root}/{Source}"], Commands(run).Where(c => c.StartsWith("zfs create", StringComparison.Ordinal)));
        Assert.Equal(["d1"], SnapshotNames($"{Replica}/sub"));
    }

    [Fact]
    public void A_stopped_run_whose_command_on_the_source_hangs_still_ends_and_lets_go_of_its_lock()
    {
        // A zfs hold on the source that never answers, as every zfs command on a host whose pool is suspended: the run
        // waits for it, beside its transfer or after it. SIGTERM closes the connection under it a few seconds later
        // (or the test gives up after 30 s).
        var hang = $"{Target.Scratch}/hang-hold.sh";
        Target.Check("sh", "-c", $$"""
            printf '%s\n' 'case "$SSH_ORIGINAL_COMMAND" in *hold*zfsansible-replica*) exec sleep 301 ;; esac' 'exec sh -c "$SSH_ORIGINAL_COMMAND"' >{{hang}}
            """);
        var ssh = ((ZfsSandbox)Target).AuthorizedSsh("hang_key", $"restrict,command=\"sh {hang}\"");
        Snapshot(Docs, "s1");
        var command = TimerCommand(ssh);
        var outcome = Target.Run("sh", "-c", $$"""
            {{command}} 2>{{Target.Scratch}}/stderr & pid=$!
            i=0; until pgrep -f 'sleep [3]01' >/dev/null; do sleep 0.2; i=$((i+1)); [ $i -lt 300 ] || break; done
            kill -TERM $pid
            i=0; while kill -0 $pid 2>/dev/null; do sleep 0.2; i=$((i+1)); [ $i -ne 150 ] || { echo 'still running 30 s after SIGTERM' >&2; kill -KILL $pid; }; done
            wait $pid; rc=$?
            pkill -f 'sleep [3]01'
            cat {{Target.Scratch}}/stderr >&2; exit $rc
            """);
        Assert.True(outcome.ExitCode == 143, outcome.ToString());
        Assert.Contains("interrupted by SIGTERM", outcome.StandardError);
        AssertLockReleased();
        Assert.Equal(1, Processes.Run("pgrep", ["-f", $"{ssh.KeyPath} .*-M -N"]).ExitCode); // no master left
    }

    [Fact]
    public void A_pull_over_ssh_is_one_connection_that_is_gone_when_the_run_ends()
    {
        // Probes, listings, the hold, the stream and the mark all go through one master connection the run closes.
        Snapshot(Docs, "s1");
        var sandbox = (ZfsSandbox)Target;
        var before = sandbox.SshLogins;
        var run = Replicate();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(Commands(run).Count > 3, run.ToString());
        Assert.Equal(1, sandbox.SshLogins - before);
        Assert.Equal(1, Processes.Run("pgrep", ["-f", $"{Ssh.KeyPath} .*-M -N"]).ExitCode); // no master left
    }

    [Fact]
    public void Target_snapshots_newer_than_the_base_are_never_rolled_back()
    {
        Snapshot(Docs, "s1");
        Assert.Equal(0, Replicate().Failures);
        // Someone made the replica writable to work in it: a diverged replica is left exactly as they left it.
        Target.Check("zfs", "set", "readonly=off", Replica);
        Target.Check("zfs", "snapshot", $"{Replica}@made-on-the-backup");
        Snapshot(Docs, "s2");
        var run = Replicate();
        Assert.Equal(1, run.Failures);
        Assert.Contains("made-on-the-backup", run.Result()["msg"]!.GetValue<string>());
        Assert.Equal(["s1", "made-on-the-backup"], SnapshotNames(Replica));
        Assert.Equal("off", Get("readonly", Replica));
        Assert.Empty(Commands(run));
    }

    [Fact]
    public void An_interrupted_incremental_leaves_both_bases_held_and_the_next_run_ends_holding_only_the_new_one()
    {
        Snapshot(Docs, "s1");
        var first = Replicate();
        Assert.True(first.ExitCode == 0, first.ToString());
        var outcome = InterruptedPull("TERM");
        Assert.True(outcome.ExitCode == 143, outcome.ToString());
        Assert.Equal(["s1"], SnapshotNames(Replica));
        // Both held: the old base until the new one has arrived, the new one since it started travelling.
        Assert.Equal("1", Get("userrefs", $"{Docs}@s1"));
        Assert.Equal("1", Get("userrefs", $"{Docs}@big"));
        Assert.NotEqual(0, Target.Run("zfs", "destroy", $"{Docs}@s1").ExitCode);

        var run = Replicate();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["incremental"], Actions(run));
        Assert.Equal(["s1", "big"], SnapshotNames(Replica));
        Assert.Equal("0", Get("userrefs", $"{Docs}@s1"));
        Assert.Equal("-", Get("zfsansible:replicated", $"{Docs}@s1"));
        Assert.Equal("1", Get("userrefs", $"{Docs}@big"));
        Assert.EndsWith($":{Root}", Get("zfsansible:replicated", $"{Docs}@big"));
        Assert.Equal(0, Replicate().Changed);
    }

    [Fact]
    public void A_target_name_longer_than_ZFS_allows_is_refused_before_any_command()
    {
        Snapshot(Docs, "s1");
        var root = $"{Backup}/{new string('r', 250 - Backup.Length)}";
        var before = Target.Check("zfs", "list", "-H", "-o", "name", "-r", Backup);
        var run = Replicate(root: root);
        Assert.Equal(1, run.Failures);
        Assert.Contains("the maximum is 255", run.Result()["msg"]!.GetValue<string>());
        Assert.Empty(Commands(run));
        Assert.Equal(before, Target.Check("zfs", "list", "-H", "-o", "name", "-r", Backup));
    }

    [Fact]
    public void Beside_a_refused_dataset_the_others_are_still_pulled_and_the_run_fails_naming_it()
    {
        Target.Check("zfs", "create", $"{Source}/photos");
        Snapshot(Docs, "s1");
        Snapshot($"{Source}/photos", "p1");
        Target.Check("zfs", "create", "-p", Replica);
        var run = Replicate(datasets: $"[{Docs}, {Source}/photos]");
        Assert.Equal(1, run.Failures);
        Assert.Contains($"{Replica} exists but shares no snapshot", run.Result()["msg"]!.GetValue<string>());
        Assert.Equal(["p1"], SnapshotNames($"{Root}/{Source}/photos"));
        Assert.Empty(SnapshotNames(Replica));
        Assert.Equal("off", Get("readonly", Replica));
    }

    [Fact]
    public void A_live_lock_is_refused_and_a_stale_one_is_taken_over_with_a_warning()
    {
        Snapshot(Docs, "s1");
        var lockFile = $"{LockDir}/replicate-127.0.0.1.lock";
        var pidFile = $"{LockDir}/replicate-127.0.0.1.pid";
        Target.Check("mkdir", "-p", LockDir);
        // A live run: a process that holds the lock the way the module does (flock) and wrote its PID beside it. It waits
        // for the lock (no -n): the check below takes it for a moment on every poll.
        Target.Check("sh", "-c", $"nohup sh -c 'echo \"$$ 2026-11-26T06:00:00Z\" > {pidFile}; exec flock {lockFile} sleep 120' >/dev/null 2>&1 &");
        Target.Check("sh", "-c", $"i=0; while flock -n {lockFile} true; do sleep 0.1; i=$((i+1)); [ $i -lt 100 ] || exit 1; done");
        var holder = Target.Check("cut", "-d", " ", "-f", "1", pidFile).Trim();
        var refused = Replicate();
        Assert.Equal(1, refused.Failures);
        Assert.Contains($"already running: PID {holder} holds {lockFile} since 2026-11-26T06:00:00Z", refused.Result()["msg"]!.GetValue<string>());
        Assert.False(Exists(Replica));

        // That run dies without cleaning up: its PID stays in the file, the kernel drops its lock.
        Target.Check("sh", "-c", $"kill $(pgrep -P {holder}) {holder}; while ! flock -n {lockFile} true; do sleep 0.1; done");
        var run = Replicate();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Result()["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains($"left by PID {holder}", StringComparison.Ordinal));
        Assert.True(Exists(Replica));
        Assert.NotEqual(0, Target.Run("test", "-e", pidFile).ExitCode);
    }

    [Fact]
    public void Prune_keeps_the_replication_base_on_the_source()
    {
        foreach (var property in new[] { "zfsansible:policy=p", "zfsansible:retention=hourly=1", "zfsansible:discover_children=off" })
        {
            Target.Check("zfs", "set", property, Docs);
        }

        var old = Enumerable.Range(3, 3).Select(h => "zfsansible_" + (DateTimeOffset.UtcNow - TimeSpan.FromHours(h)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) + "_hourly").Reverse().ToArray();
        Snapshot(Docs, old);
        Assert.Equal(0, Replicate().Failures);

        var prune = Target.Play(AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_snapshot_prune:
                    datasets: [{Docs}]
            """));
        Assert.True(prune.ExitCode == 0, prune.ToString());
        var left = SnapshotNames(Docs);
        Assert.Contains(old[^1], left);       // the base: held and marked
        Assert.DoesNotContain(old[0], left);  // older ones go
        Assert.DoesNotContain(old[1], left);
        Assert.Equal(2, left.Count);          // the base and the hourly taken now
    }

    [Fact]
    public void A_replica_carries_its_sources_policy_and_the_backup_prunes_it_by_that_never_snapshotting_it()
    {
        var policy = Target.Play(AnsiblePlaybook.Play($$"""
                  zfsansible.zfs.zfs_dataset_policy:
                    policies: { kept: { snapshots: { hourly: 2 }, replicate: true } }
                    datasets: [{ name: {{Docs}}, policy: kept }]
            """));
        Assert.True(policy.ExitCode == 0, policy.ToString());
        var old = Enumerable.Range(2, 4).Select(h => "zfsansible_" + (DateTimeOffset.UtcNow - TimeSpan.FromHours(h)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) + "_hourly").Reverse().ToArray();
        Snapshot(Docs, old);
        var pull = Replicate();
        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Equal("kept", Get("zfsansible:replica_policy", Replica));
        Assert.Equal("hourly=2", Get("zfsansible:replica_retention", Replica));
        Assert.Equal("-", Get("zfsansible:policy", Replica)); // the backup server never snapshots a replica

        var prune = Target.Play(AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_snapshot_prune:
                    datasets: [{Backup}]
            """));
        Assert.True(prune.ExitCode == 0, prune.ToString());
        Assert.Empty(prune.Result()["taken"]!.AsArray());
        Assert.Equal(old[2..], SnapshotNames(Replica)); // the two newest; the newest is the base of the next pull
        Assert.Contains(prune.Result()["compliance"]!.AsArray(), c => c!["dataset"]!.GetValue<string>() == Replica && c["ratio"]!.GetValue<double>() == 1.0);

        // The next pull still finds its base, and changes nothing.
        var again = Replicate();
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(0, again.Changed);

        // The backup keeps more than the source: an override per policy relabels the replica, nothing else.
        var longer = Replicate("        replica_retention: { kept: { hourly: 5 } }");
        Assert.True(longer.ExitCode == 0, longer.ToString());
        Assert.Equal(1, longer.Changed);
        Assert.Equal([$"zfs set zfsansible:replica_policy=kept {Replica}", $"zfs set zfsansible:replica_retention=hourly=5 {Replica}"], Commands(longer));
        Assert.Equal("hourly=5", Get("zfsansible:replica_retention", Replica));
    }

    [Fact]
    public void The_offsite_push_sends_every_replica_onward_and_the_backup_keeps_the_push_base()
    {
        var policy = Target.Play(AnsiblePlaybook.Play($$"""
                  zfsansible.zfs.zfs_dataset_policy:
                    policies: { kept: { snapshots: { hourly: 2 }, replicate: true } }
                    datasets: [{ name: {{Docs}}, policy: kept }]
            """));
        Assert.True(policy.ExitCode == 0, policy.ToString());
        string Hourly(int minutesAgo) => "zfsansible_" + (DateTimeOffset.UtcNow - TimeSpan.FromMinutes(minutesAgo)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) + "_hourly";
        var old = new[] { Hourly(300), Hourly(240) };
        Snapshot(Docs, old);
        Assert.Equal(0, Replicate().Failures);

        // belinda's push: every replica below the backup root, found by its label, sent to the offsite root.
        var offsite = $"{Backup}/offsite";
        var push = Replicate($"        direction: push\n        source_roots: [{Root}]", datasets: "[]", root: offsite);
        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Equal([Replica], push.Result()["datasets"]!.AsArray().Select(d => d!["source"]!.GetValue<string>()));
        Assert.Equal(old, SnapshotNames($"{offsite}/{Replica}"));
        Assert.Equal("kept", Get("zfsansible:replica_policy", $"{offsite}/{Replica}")); // the offsite copy is pruned by it too
        Assert.EndsWith($":{offsite}", Get("zfsansible:replicated", $"{Replica}@{old[1]}"));
        Assert.Equal("1", Get("userrefs", $"{Replica}@{old[1]}"));

        // Newer snapshots arrive by pull; the backup's prune keeps the push base beyond the retention.
        var newer = new[] { Hourly(120), Hourly(60), Hourly(1) };
        Snapshot(Docs, newer);
        Assert.Equal(0, Replicate().Failures);
        var prune = Target.Play(AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_snapshot_prune:
                    datasets: [{Root}]
            """));
        Assert.True(prune.ExitCode == 0, prune.ToString());
        Assert.Equal([old[1], newer[1], newer[2]], SnapshotNames(Replica));
    }

    [Fact]
    public void A_discovery_that_finds_nothing_to_send_fails_unless_that_is_allowed()
    {
        Snapshot(Docs, "s1"); // no policy: nothing says replicate
        var run = Replicate($"        source_roots: [{Source}]", datasets: "[]");
        Assert.Equal(1, run.Failures);
        Assert.Contains($"found no dataset to replicate below {Source} of 127.0.0.1", run.Result()["msg"]!.GetValue<string>(), StringComparison.Ordinal);

        var allowed = Replicate($"        source_roots: [{Source}]\n        allow_empty: true", datasets: "[]");
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Contains(allowed.Result()["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("found no dataset to replicate", StringComparison.Ordinal));
    }

    /// <summary>zfs-fuse has no resumable receive: the next run starts the transfer again and completes it.</summary>
    protected override void AfterInterruption()
    {
        var run = Replicate();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["full"], Actions(run));
        Assert.DoesNotContain(" -s ", Pipe(run));
        Assert.Equal(Get("guid", $"{Docs}@big"), Get("guid", $"{Replica}@big"));
    }
}

public sealed class OpenZfsGuestReplicationTests() : ReplicationScenarios(new OpenZfsGuest())
{
    /// <summary>OpenZFS keeps the partial receive: the next run continues it with the token and sends only the rest.</summary>
    protected override void AfterInterruption()
    {
        Assert.True(Get("receive_resume_token", Replica).Length > 10, "no resume token after the interruption");
        var run = Replicate();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["resumed"], Actions(run));
        Assert.StartsWith("ssh root@127.0.0.1 zfs send -t ", Pipe(run));
        Assert.True(run.Result()["bytes"]!.GetValue<long>() < 12 * 1024 * 1024, "the resumed transfer sent everything again");
        Assert.Equal(Get("guid", $"{Docs}@big"), Get("guid", $"{Replica}@big"));
        Assert.Equal("-", Get("receive_resume_token", Replica));
    }

    /// <summary>
    /// SIGKILL gives the run no chance to clean up: the kernel drops its lock, the receive keeps what arrived, and the
    /// next run takes the lock over (with a warning about the .pid left behind) and resumes from the token.
    /// </summary>
    [Fact]
    public void A_SIGKILLed_pull_is_resumed_from_its_token_by_the_next_run()
    {
        var outcome = InterruptedPull("KILL");
        Assert.True(outcome.ExitCode == 137, outcome.ToString());
        Assert.True(Get("receive_resume_token", Replica).Length > 10, "no resume token after SIGKILL");
        Assert.Equal(0, Target.Run("flock", "-n", $"{LockDir}/replicate-127.0.0.1.lock", "true").ExitCode);

        var run = Replicate();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["resumed"], Actions(run));
        Assert.Contains(run.Result()["warnings"]!.AsArray(), w => w!.GetValue<string>().StartsWith("took over the lock", StringComparison.Ordinal));
        Assert.True(run.Result()["bytes"]!.GetValue<long>() < 12 * 1024 * 1024, "the resumed transfer sent everything again");
        Assert.Equal(Get("guid", $"{Docs}@big"), Get("guid", $"{Replica}@big"));
        AssertLockReleased();
    }

    [Fact]
    public void A_raw_send_of_an_encrypted_dataset_lands_encrypted_and_keyless()
    {
        var secret = $"{Source}/secret";
        Target.Check("sh", "-c", $"printf 'correct horse battery' > {Target.Scratch}/key");
        Target.Check("zfs", "create", "-o", "encryption=on", "-o", "keyformat=passphrase", "-o", $"keylocation=file://{Target.Scratch}/key", secret);
        Snapshot(secret, "e1");
        var run = Replicate("        raw: true", $"[{secret}]");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("zfs send -w ", Pipe(run));
        var replica = $"{Root}/{secret}";
        Assert.Equal("aes-256-gcm", Get("encryption", replica));
        Assert.Equal("unavailable", Get("keystatus", replica));
        // A raw receive takes the protecting properties too (zfs recv -w ... -o readonly=on -o canmount=noauto).
        Assert.Equal("on", Get("readonly", replica));
        Assert.Equal("noauto", Get("canmount", replica));
        Assert.Equal(Get("guid", $"{secret}@e1"), Get("guid", $"{replica}@e1"));
        Assert.Equal(0, Replicate("        raw: true", $"[{secret}]").Changed);
    }
}
