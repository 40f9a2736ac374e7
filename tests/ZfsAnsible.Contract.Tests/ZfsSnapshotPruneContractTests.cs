using System.Text;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>
/// The built zfs_snapshot_prune binaries, both architectures, as module and as the timer's command: hostile and
/// broken input gets one clean failure, and not one snapshot is taken or destroyed.
/// </summary>
public class ZfsSnapshotPruneContractTests
{
    private static IEnumerable<(string Case, string Args, string Reason)> Corpus()
    {
        yield return ("not json", "datasets=tank", "not valid JSON");
        yield return ("unknown key", "{\"colour\": 1}", "Unsupported parameters for (zfs_snapshot_prune) module: colour");
        yield return ("datasets as a dict", "{\"datasets\": {\"a\": 1}}", "datasets");
        yield return ("dataset beginning with -", "{\"datasets\": [\"-rf\"]}", "must begin with a letter");
        yield return ("dataset with shell", "{\"datasets\": [\"{pool}/a;touch /tmp/zfsansible-pwned\"]}", "not allowed");
        yield return ("dataset with substitution", "{\"datasets\": [\"{pool}/$(touch /tmp/zfsansible-pwned)\"]}", "not allowed");
        yield return ("missing dataset", "{\"datasets\": [\"{pool}/nothing\"]}", "{pool}/nothing");
        yield return ("overlong dataset", "{\"datasets\": [\"{pool}/" + new string('x', 300) + "\"]}", "maximum is 255");
        yield return ("snapshot not a bool", "{\"snapshot\": \"perhaps\"}", "unable to convert to bool");
        yield return ("max_destroy text", "{\"max_destroy\": \"many\"}", "max_destroy");
        yield return ("max_destroy negative", "{\"max_destroy\": -1}", "max_destroy must be between 0 and 1000000, got -1");
        yield return ("max_destroy huge", "{\"max_destroy\": 99999999999999}", "max_destroy must be between 0 and 1000000");
        yield return ("lock_dir relative", "{\"lock_dir\": \"locks\"}", "lock_dir must be an absolute path");
        yield return ("lock_timeout negative", "{\"lock_timeout\": -1}", "lock_timeout must be between 0 and 86400 seconds, got -1");
        yield return ("lock_dir a file", "{\"datasets\": [\"{pool}\"], \"lock_dir\": \"/etc/hostname/locks\"}", "cannot use the lock directory /etc/hostname/locks: /etc/hostname is a file, not a directory");
        yield return ("too many destroys", "{\"datasets\": [\"{pool}\"], \"max_destroy\": 1}", "more than max_destroy (1)");
    }

    public static TheoryData<string, string> BadInputs() => BothArchitectures.Times(Corpus().Select(c => c.Case));

    /// <summary>A pool with a managed dataset holding three expired hourlies, so a run that went ahead would show.</summary>
    private static (ZfsSandbox Sandbox, string Pool) ManagedPool()
    {
        var sandbox = new ZfsSandbox();
        var pool = sandbox.Pool();
        Processes.Check("zpool", "create", "-m", $"{sandbox.Directory}/mnt", pool, sandbox.Vdevs(1)[0]);
        Processes.Check("zfs", "create", "-o", "zfsansible:policy=p", "-o", "zfsansible:retention=hourly=1", "-o", "zfsansible:discover_children=off", $"{pool}/a");
        foreach (var day in new[] { 3, 2, 1 })
        {
            Processes.Check("zfs", "snapshot", $"{pool}/a@zfsansible_2026-01-0{day}T00:00:00Z_hourly");
        }

        return (sandbox, pool);
    }

    private static string Snapshots(string pool) => Processes.Check("zfs", "list", "-H", "-o", "name", "-t", "snapshot", "-r", pool);

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gets_one_clean_failure_and_changes_nothing(string rid, string caseName)
    {
        var (_, template, reason) = Corpus().Single(c => c.Case == caseName);
        var (sandbox, pool) = ManagedPool();
        using var _ = sandbox;
        var before = Snapshots(pool);
        File.Delete("/tmp/zfsansible-pwned");

        var outcome = new NativeModule("zfs_snapshot_prune", rid).RunRaw(Encoding.UTF8.GetBytes(template.Replace("{pool}", pool, StringComparison.Ordinal)));

        CleanFailure.Assert(outcome, reason.Replace("{pool}", pool, StringComparison.Ordinal));
        Assert.Equal(before, Snapshots(pool));
        Assert.False(File.Exists("/tmp/zfsansible-pwned"), "a shell ran part of the input");
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void The_timer_command_refuses_bad_options_with_one_line_and_exit_2(string rid)
    {
        var (sandbox, pool) = ManagedPool();
        using var _ = sandbox;
        var before = Snapshots(pool);
        // A mistyped verb, a missing value or no verb at all runs nothing: there is no default verb to fall to.
        foreach (var argv in new[]
        {
            new[] { "run", "--dataset", "-rf" }, ["run", "--max-destroy", "-5"], ["run", "--dataset", $"{pool}/a;id"], ["run", "--no-such-flag"],
            ["statsu"], ["Status"], ["frobnicate"], ["run", "--max-destroy"], ["--dataset", pool], [], ["run", "--dataset", pool, "--lock-dir", "relative"],
        })
        {
            var outcome = new NativeModule("zfs_snapshot_prune", rid).Run(argv);
            Assert.True(outcome.ExitCode == 2, $"{string.Join(' ', argv)}: {outcome}");
            Assert.Empty(outcome.StandardOutput);
            Assert.DoesNotContain("   at ", outcome.StandardError, StringComparison.Ordinal);
            Assert.Equal(before, Snapshots(pool));
        }

        // One argument that looks like Ansible's args file but is gone (a cleaned temp dir): a failed task, not a run.
        var gone = new NativeModule("zfs_snapshot_prune", rid).Run("/path/that/does/not/exist");
        CleanFailure.Assert(gone, "cannot read the args file /path/that/does/not/exist: no such file");
        Assert.Equal(before, Snapshots(pool));
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void The_timer_command_prunes_what_the_module_would(string rid)
    {
        var (sandbox, pool) = ManagedPool();
        using var _ = sandbox;
        var dry = new NativeModule("zfs_snapshot_prune", rid).Run(["run", "--dry-run", "--json", "--dataset", pool]);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains($"{pool}/a@zfsansible_2026-01-03T00:00:00Z_hourly", dry.StandardOutput);

        var run = new NativeModule("zfs_snapshot_prune", rid).Run(["run", "--dataset", pool]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var left = Snapshots(pool).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(left);
        Assert.EndsWith("_hourly", left[0]);
        Assert.DoesNotContain("2026-01-0", left[0]);
    }
}
