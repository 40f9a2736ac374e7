using System.Globalization;
using System.Text.Json.Nodes;
using ZfsAnsible.Testing;
using ZfsAnsible.Zfs;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// zfsansible.zfs.zfs_snapshot_prune through real ansible-playbook, after zfs_dataset_policy wrote the policies:
/// what is taken, what is destroyed, and each safety rule of docs/safety.md rule 2 tried against real ZFS.
/// </summary>
public abstract class SnapshotPruneScenarios : IDisposable
{
    protected SnapshotPruneScenarios(IZfsTarget target)
    {
        // A scenario runs the module up to four times and expects the same snapshots due each time: no new hour may
        // begin in the minute or so it takes (in the emulated guest; less on zfs-fuse).
        HourEdge.StayClear(TimeSpan.FromMinutes(3));
        Target = target;
        Pool = target.Pool();
        target.Check("zpool", "create", "-f", "-m", $"{target.Scratch}/mnt", Pool, target.Vdevs(1)[0]);
        var policies = target.Play(AnsiblePlaybook.Play($$"""
                  zfsansible.zfs.zfs_dataset_policy:
                    policies:
                      critical: { snapshots: { hourly: 2, daily: 1 }, replicate: true }
                      standard: { snapshots: { hourly: 3, weekly: 1 }, replicate: true }
                      none: { snapshots: {}, replicate: false }
                    datasets:
                      - { name: {{Pool}}/documents, policy: critical }
                      - { name: {{Pool}}/docker, policy: standard, children_inherit_policy: true, snapshots_discover_children: true }
                      - { name: {{Pool}}/docker/cache, policy: none }
                      - { name: {{Pool}}/docker/registry }
                      - { name: {{Pool}}/scratch }
            """));
        Assert.True(policies.ExitCode == 0, policies.ToString());
        // Created at run time, like a Docker volume: managed only through discovery.
        target.Check("zfs", "create", $"{Pool}/docker/vol1");
        target.Check("zfs", "create", $"{Pool}/docker/cache/vol2");
        target.Check("zfs", "create", $"{Pool}/scratch/later");
    }

    protected IZfsTarget Target { get; }

    protected string Pool { get; }

    public void Dispose()
    {
        Target.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static string Own(TimeSpan ago, string interval) =>
        "zfsansible_" + (DateTimeOffset.UtcNow - ago).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + "_" + interval;

    protected string Snapshots(string? dataset = null) =>
        string.Join('\n', Target.Check("zfs", "list", "-H", "-o", "name", "-t", "snapshot", "-r", dataset ?? Pool)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    protected PlaybookRun Prune(string options = "", params string[] playOptions) =>
        Target.Play(AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_snapshot_prune:
                    datasets: [{Pool}]
            {options}
            """), playOptions);

    protected static List<string> Names(JsonNode? list) => [.. list!.AsArray().Select(n => n!.GetValue<string>())];

    /// <summary>documents: five hourlies from 1..5 hours ago (the oldest held), an old daily, a foreign snapshot.</summary>
    protected string[] History() => HistoryWithDaily().Hourlies;

    protected (string[] Hourlies, string Daily) HistoryWithDaily()
    {
        var hourlies = Enumerable.Range(1, 5).Select(h => $"{Pool}/documents@{Own(TimeSpan.FromHours(h), "hourly")}").ToArray();
        var daily = $"{Pool}/documents@{Own(TimeSpan.FromDays(3), "daily")}";
        foreach (var snapshot in hourlies.Reverse().Append(daily).Append($"{Pool}/documents@before-upgrade"))
        {
            Target.Check("zfs", "snapshot", snapshot);
        }

        Target.Check("zfs", "hold", "keep-me", hourlies[4]);
        return (hourlies, daily);
    }

    [Fact]
    public void Takes_due_snapshots_of_managed_datasets_prunes_the_expired_and_a_second_run_changes_nothing()
    {
        var (hourlies, daily) = HistoryWithDaily();

        var check = Prune(playOptions: ["--check", "--diff"]);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Equal(1, check.Changed);
        var before = Snapshots();

        var run = Prune();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(1, run.Changed);
        var result = run.Result();
        Assert.Equal(Names(check.Result()["taken"]).Count, Names(result["taken"]).Count);

        var taken = Names(result["taken"]).Select(n => n[..n.IndexOf('@', StringComparison.Ordinal)]).Distinct().Order(StringComparer.Ordinal);
        // documents, docker, the inheriting registry and the discovered vol1; never cache (none), its vol2, scratch or scratch/later.
        Assert.Equal([$"{Pool}/docker", $"{Pool}/docker/registry", $"{Pool}/docker/vol1", $"{Pool}/documents"], taken);
        Assert.Equal(2 + 3 * 2, Names(result["taken"]).Count);

        // hourly 2: the new one and the newest old one stay; the held one stays; the daily is replaced.
        Assert.Equal(new[] { hourlies[1], hourlies[2], hourlies[3], daily }.Order(StringComparer.Ordinal), Names(result["destroyed"]).Order(StringComparer.Ordinal));
        var after = Snapshots();
        Assert.Contains(hourlies[0], after);
        Assert.Contains(hourlies[4], after);
        Assert.Contains($"{Pool}/documents@before-upgrade", after);
        Assert.DoesNotContain(hourlies[2], after);
        Assert.Empty(Snapshots($"{Pool}/docker/cache").Trim());
        Assert.Empty(Snapshots($"{Pool}/scratch").Trim());
        Assert.NotEqual(before, after);

        var compliance = result["compliance"]!.AsArray();
        Assert.Contains(compliance, c => c!["dataset"]!.GetValue<string>() == $"{Pool}/documents" && c["interval"]!.GetValue<string>() == "hourly" && c["ratio"]!.GetValue<double>() == 1.0);
        Assert.Contains(compliance, c => c!["dataset"]!.GetValue<string>() == $"{Pool}/docker/vol1" && c["interval"]!.GetValue<string>() == "hourly" && c["retained"]!.GetValue<int>() == 1);

        var second = Prune();
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(0, second.Changed);
        Assert.Equal(after, Snapshots());
    }

    [Fact]
    public void Check_mode_changes_nothing()
    {
        History();
        var before = Snapshots();
        var run = Prune(playOptions: ["--check"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotEmpty(Names(run.Result()["destroyed"]));
        Assert.Equal(before, Snapshots());
    }

}

public sealed class ZfsFuseSnapshotPruneTests() : SnapshotPruneScenarios(new ZfsSandbox())
{
    // The remaining safety rules decide from the same listing on every ZFS, and the emulated OpenZFS guest costs about
    // 40 s a test: they run here (and as unit tests of SnapshotPlanner), the guest runs the scenarios above.
    [Fact]
    public void A_snapshot_from_the_future_fails_the_run_and_nothing_is_taken_or_destroyed()
    {
        History();
        Target.Check("zfs", "snapshot", $"{Pool}/docker@{Own(TimeSpan.FromDays(-1), "hourly")}");
        var before = Snapshots();
        var run = Prune();
        Assert.Equal(1, run.Failures);
        Assert.StartsWith("the clock looks wrong:", run.Result()["msg"]!.GetValue<string>());
        Assert.Equal(before, Snapshots());
    }

    [Fact]
    public void More_destroys_than_max_destroy_fails_as_a_whole()
    {
        History();
        var before = Snapshots();
        var run = Prune("        max_destroy: 2");
        Assert.Equal(1, run.Failures);
        Assert.StartsWith("this run would destroy 4 snapshots, more than max_destroy (2); nothing was changed.", run.Result()["msg"]!.GetValue<string>());
        Assert.Equal(before, Snapshots());
    }

    [Fact]
    public void The_replication_base_survives_and_so_does_every_snapshot_of_an_unmanaged_dataset()
    {
        var hourlies = History();
        Target.Check("zfs", "set", "zfsansible:replicated=1", hourlies[3]);
        var foreignOwnNamed = $"{Pool}/scratch/later@{Own(TimeSpan.FromDays(30), "hourly")}";
        Target.Check("zfs", "snapshot", foreignOwnNamed);
        var run = Prune();
        Assert.True(run.ExitCode == 0, run.ToString());
        var after = Snapshots();
        Assert.Contains(hourlies[3], after);
        Assert.DoesNotContain(hourlies[2], after);
        Assert.Contains(foreignOwnNamed, after);
    }

    [Fact]
    public void A_snapshot_someone_else_holds_is_kept_whatever_its_age()
    {
        var hourlies = History();
        Target.Check("zfs", "hold", "late", hourlies[2]);
        var run = Prune();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(hourlies[2], Snapshots());
        Assert.DoesNotContain(hourlies[2], Names(run.Result()["destroyed"]));
        Target.Check("zfs", "release", "late", hourlies[2]);
    }

    [Theory]
    [InlineData("[\"-rf\"]", "-rf")]
    [InlineData("[\"tank/a; rm -rf /\"]", "tank/a; rm -rf /")]
    [InlineData("[\"nopool_here/x\"]", "nopool_here/x")]
    public void A_bad_dataset_fails_with_one_line_naming_it(string datasets, string named)
    {
        var before = Snapshots();
        var run = Target.Play(AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_snapshot_prune:
                    datasets: {datasets}
            """));
        Assert.Equal(1, run.Failures);
        var msg = run.Result()["msg"]!.GetValue<string>();
        Assert.Contains(named, msg);
        Assert.DoesNotContain('\n', msg);
        Assert.Equal(before, Snapshots());
    }

    [Fact]
    public void Snapshot_runs_started_together_take_turns_and_all_succeed()
    {
        History();
        var binary = Target.Upload(Repository.Executable("zfs_snapshot_prune", "linux-x64"));
        var locks = $"{Target.Scratch}/locks";
        // The timer and two playbooks at the same moment: each waits for the host's snapshot lock, then finds the
        // snapshots the first one took and has nothing left to take.
        var outcome = Target.Run("sh", "-c", $"""
            pids=''
            for i in 1 2 3; do '{binary}' run --dataset '{Pool}' --lock-dir '{locks}' --json > '{Target.Scratch}/run-'$i.json 2>'{Target.Scratch}/run-'$i.err & pids="$pids $!"; done
            rc=0; for pid in $pids; do wait $pid || rc=1; done; cat '{Target.Scratch}'/run-*.err >&2; exit $rc
            """);
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var taken = Enumerable.Range(1, 3)
            .Select(i => JsonNode.Parse(Target.Check("cat", $"{Target.Scratch}/run-{i}.json"))!["taken"]!.AsArray().Count)
            .Order().ToList();
        Assert.Equal(0, taken[0]);
        Assert.Equal(0, taken[1]);
        Assert.True(taken[2] > 0, "no run took the due snapshots");
        Assert.Equal(0, Target.Run("flock", "-n", $"{locks}/snapshot.lock", "true").ExitCode);
    }

    [Fact]
    public void Zfs_fuse_gets_one_command_per_snapshot()
    {
        var run = Prune();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.All(run.Result()["commands"]!.AsArray(), c => Assert.Equal(3, c!.GetValue<string>().Split(' ').Length));
    }

    // The collection's action group (meta/runtime.yml) must name them, or module_defaults silently skips them.
    [Theory]
    [InlineData("zfsansible.zfs.zfs_snapshot_prune", "{{ datasets: [{0}] }}")]
    [InlineData("zfsansible.zfs.zfs_replicate", "{{ datasets: [{0}/documents], target_root: {0}/copy }}")]
    public void Module_defaults_for_the_collections_group_reach_the_module(string module, string arguments)
    {
        var before = Snapshots();
        var run = Target.Play(AnsiblePlaybook.Play(
            $"      {module}: {string.Format(CultureInfo.InvariantCulture, arguments, Pool)}",
            """
              module_defaults:
                group/zfsansible.zfs.zfs:
                  lock_dir: not/absolute
            """));
        Assert.Equal(1, run.Failures);
        Assert.Contains("lock_dir must be an absolute path", run.Result()["msg"]!.GetValue<string>());
        Assert.Equal(before, Snapshots());
    }
}

public sealed class OpenZfsGuestSnapshotPruneTests() : SnapshotPruneScenarios(new OpenZfsGuest())
{
    [Fact]
    public void OpenZfs_takes_each_name_atomically_and_destroys_a_pools_snapshots_in_one_channel_program()
    {
        for (var h = 2; h <= 6; h++)
        {
            Target.Check("zfs", "snapshot", $"{Pool}/documents@{Own(TimeSpan.FromHours(h), "hourly")}");
        }

        var run = Prune();
        Assert.True(run.ExitCode == 0, run.ToString());
        var commands = run.Result()["commands"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains(commands, c => c.StartsWith("zfs snapshot ", StringComparison.Ordinal) && c.Split(' ').Length > 3);
        var destroyed = Names(run.Result()["destroyed"]);
        Assert.Equal(4, destroyed.Count);
        Assert.Contains($"zfs program {Pool} /dev/stdin {string.Join(' ', destroyed)}", commands);
        Assert.All(destroyed, d => Assert.DoesNotContain(d, Snapshots()));
    }

    [Fact]
    public void The_destroy_program_destroys_all_it_is_given_or_none()
    {
        var (a, b, held) = ($"{Pool}/documents@a", $"{Pool}/scratch@b", $"{Pool}/documents@held");
        foreach (var snapshot in new[] { a, b, held })
        {
            Target.Check("zfs", "snapshot", snapshot);
        }

        Target.Check("zfs", "hold", "late", held);
        var script = $"{Target.Scratch}/destroy.lua";
        Target.Check("sh", "-c", $"cat > '{script}' <<'LUA'\n{ChannelPrograms.DestroyScript}\nLUA");

        var refused = Target.Run("zfs", "program", Pool, script, a, held, b);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"nothing destroyed: cannot destroy {held} (held or cloned)", refused.ToString(), StringComparison.Ordinal);
        Assert.All(new[] { a, b, held }, s => Assert.Contains(s, Snapshots()));

        Target.Check("zfs", "release", "late", held);
        Target.Check("zfs", "program", Pool, script, a, held, b);
        Assert.All(new[] { a, b, held }, s => Assert.DoesNotContain(s, Snapshots()));
    }

    [Fact]
    public void Holds_and_marks_are_read_fresh_and_a_snapshot_made_between_cached_runs_is_seen()
    {
        var hourlies = History();
        Target.Check("zfs", "hold", "late", hourlies[2]);
        Target.Check("zfs", "set", "zfsansible:replicated=belinda:slowpool/b", hourlies[3]);
        // Inherited by every snapshot of the dataset: a mark only where it is set on the snapshot itself.
        Target.Check("zfs", "set", "zfsansible:replicated=oops", $"{Pool}/documents");

        var first = Prune();
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains(hourlies[1], Names(first.Result()["destroyed"]));
        var after = Snapshots();
        Assert.DoesNotContain(hourlies[1], after);
        Assert.All(hourlies.Skip(2), h => Assert.Contains(h, after));

        // Nothing to do: every managed dataset's listing is now kept, stamped with its snapshots_changed.
        var second = Prune();
        Assert.True(second.ExitCode == 0 && second.Changed == 0, second.ToString());
        Assert.Contains($"D\t{Pool}/documents\t", Target.Check("cat", "/run/zfsansible/snapshot-listing.cache"), StringComparison.Ordinal);

        var outside = $"{Pool}/documents@{Own(TimeSpan.FromHours(30), "hourly")}";
        Target.Check("zfs", "snapshot", outside);
        var third = Prune();
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Equal([outside], Names(third.Result()["destroyed"]));
        Target.Check("zfs", "release", "late", hourlies[2]);
    }
}
