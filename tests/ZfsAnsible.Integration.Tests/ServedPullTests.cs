using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// Least privilege on a source (docs/safety.md rule 7): the backup server's key is authorized with restrict and the forced
/// command "zfs_replicate serve --allow …", as the backups_zfs_server role installs it. A pull through it works; the
/// same key cannot destroy, open a shell, or send a dataset outside the allowed root. Real sshd on 127.0.0.1, real
/// zfs-fuse, the built native binary as the forced command.
/// </summary>
public sealed class ServedPullTests : IDisposable
{
    private readonly ZfsSandbox _target = new();
    private readonly string _source;
    private readonly string _backup;
    private readonly LoopbackSsh _served;

    public ServedPullTests()
    {
        _source = _target.Pool("s");
        _backup = _target.Pool("b");
        var vdevs = _target.Vdevs(2);
        _target.Check("zpool", "create", "-f", "-m", $"{_target.Scratch}/{_source}", _source, vdevs[0]);
        _target.Check("zpool", "create", "-f", "-m", $"{_target.Scratch}/{_backup}", _backup, vdevs[1]);
        _target.Check("zfs", "create", $"{_source}/docs");
        _target.Check("zfs", "create", $"{_source}/private");
        _target.Check("zfs", "snapshot", $"{_source}/docs@s1");
        _target.Check("zfs", "snapshot", $"{_source}/private@p1");
        var serve = $"{Repository.Executable("zfs_replicate", "linux-x64")} serve --allow {_source}/docs";
        _served = _target.AuthorizedSsh("pull_key", $"restrict,command=\"{serve}\"");
    }

    public void Dispose() => _target.Dispose();

    private PlaybookRun Pull(string datasets) => _target.Play(AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_replicate:
                    target_root: {_backup}/raw/host1
                    lock_dir: {_target.Scratch}/locks
                    datasets: {datasets}
            {_served.ModuleOptions("        ")}
            """));

    /// <summary>The key used by hand, as an attacker holding it would: ssh with a command of one's choosing.</summary>
    private ProcessOutcome SshWithKey(params string[] command) => Processes.Run("ssh",
        ["-i", _served.KeyPath, "-p", _served.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "BatchMode=yes",
         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "root@127.0.0.1", .. command]);

    [Fact]
    public void A_pull_through_the_forced_command_replicates_and_a_second_run_changes_nothing()
    {
        var run = Pull($"[{_source}/docs]");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(1, run.Changed);
        Assert.Equal(_target.Check("zfs", "get", "-H", "-o", "value", "guid", $"{_source}/docs@s1"),
            _target.Check("zfs", "get", "-H", "-o", "value", "guid", $"{_backup}/raw/host1/{_source}/docs@s1"));
        Assert.Equal("1", _target.Check("zfs", "get", "-H", "-o", "value", "userrefs", $"{_source}/docs@s1").Trim());

        var second = Pull($"[{_source}/docs]");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(0, second.Changed);
    }

    [Fact]
    public void A_dataset_outside_the_allowed_root_is_refused_and_nothing_lands()
    {
        var run = Pull($"[{_source}/private]");
        Assert.Equal(1, run.Failures);
        Assert.Contains($"{_source}/private is outside the served datasets", run.Result()["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEqual(0, _target.Run("zfs", "list", $"{_backup}/raw/host1/{_source}/private").ExitCode);
    }

    [Theory]
    [InlineData("zfs destroy -r SOURCE/docs")]
    [InlineData("sh -c id")]
    [InlineData("zfs send SOURCE/private@p1")]
    [InlineData("zfs send SOURCE/docs@s1; zfs destroy -r SOURCE")]
    [InlineData("zfs set zfsansible:replicated=x SOURCE/docs")]
    public void The_key_cannot_run_anything_else(string command)
    {
        var outcome = SshWithKey(command.Replace("SOURCE", _source, StringComparison.Ordinal));
        Assert.Equal(126, outcome.ExitCode);
        Assert.Contains("zfs_replicate serve: refused:", outcome.StandardError, StringComparison.Ordinal);
        Assert.Empty(outcome.StandardOutput);
        Assert.Equal(0, _target.Run("zfs", "list", $"{_source}/docs@s1").ExitCode);
        Assert.Equal(string.Empty, _target.Check("zfs", "get", "-H", "-o", "source", "zfsansible:replicated", $"{_source}/docs").Trim().Replace("-", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void An_interactive_login_is_refused()
    {
        var outcome = SshWithKey();
        Assert.Equal(126, outcome.ExitCode);
        Assert.Contains("interactive login is refused", outcome.StandardError, StringComparison.Ordinal);
    }
}
