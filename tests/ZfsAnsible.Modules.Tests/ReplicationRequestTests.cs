using ZfsAnsible.Modules.ZfsReplicate;

namespace ZfsAnsible.Modules.Tests;

public class ReplicationRequestTests
{
    private static Domain.Result<ReplicationRequest> Create(string? host = "host-storage", string rate = "3M", string user = "root", long port = 22) =>
        ReplicationRequest.Create(new(["tank/docs"], [], "slowpool/backups/raw/host-storage", RemoteHost: host, RemoteUser: user, RemotePort: port, SshKey: "/root/.ssh/key", BandwidthLimit: rate));

    [Fact]
    public void A_good_request_reads_rate_and_endpoint()
    {
        var request = Create().Value;
        Assert.Equal(3L * 1024 * 1024, request.BytesPerSecond);
        Assert.Equal("host-storage", request.LockName);
        Assert.Equal("local", Create(host: null).Value.LockName);
        Assert.Null(Create(rate: "0").Value.BytesPerSecond);
    }

    [Theory]
    [InlineData("-oProxyCommand=id", "is not a host name")]
    [InlineData("a b", "is not a host name")]
    [InlineData("h;id", "is not a host name")]
    public void Hosts_that_could_be_options_or_shell_are_refused(string host, string reason) =>
        Assert.Contains(reason, Create(host: host).Error!.Message);

    [Fact]
    public void Every_problem_is_named_at_once()
    {
        var message = Create(rate: "fast", user: "$(id)", port: 0).Error!.Message;
        Assert.Contains("bandwidth_limit 'fast'", message);
        Assert.Contains("remote_user", message);
        Assert.Contains("remote_port", message);
    }
}

public sealed class RunLockTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("zfsansible-lock-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Domain.Result<RunLock> Acquire(string? directory = null, TimeSpan wait = default) =>
        RunLock.Acquire(directory ?? _directory, "replicate-host-storage", "replication from host-storage", wait, TestContext.Current.CancellationToken);

    [Fact]
    public void A_second_run_for_the_same_host_is_refused_while_another_host_goes_ahead()
    {
        using var first = Acquire().Value;
        // This process holds it, and this process is alive: the same as another live run.
        var second = Acquire();
        Assert.False(second.IsOk);
        Assert.Contains($"replication from host-storage is already running: PID {Environment.ProcessId} holds", second.Error!.Message, StringComparison.Ordinal);
        using var other = RunLock.Acquire(_directory, "replicate-dns", "replication from dns", cancellation: TestContext.Current.CancellationToken).Value;
        Assert.Null(other.Warning);
    }

    [Fact]
    public void A_waiting_run_takes_the_lock_when_the_holder_lets_go()
    {
        var first = Acquire().Value;
        var release = Task.Run(async () =>
        {
            await Task.Delay(300, TestContext.Current.CancellationToken);
            first.Dispose();
        }, TestContext.Current.CancellationToken);
        using var second = Acquire(wait: TimeSpan.FromSeconds(20)).Value;
        Assert.True(release.IsCompleted);
        Assert.Null(second.Warning);
    }

    [Fact]
    public void A_dead_holder_is_taken_over_with_a_warning_and_release_removes_the_file()
    {
        var path = RunLock.PathFor(_directory, "replicate-host-storage");
        var info = Path.ChangeExtension(path, ".pid");
        File.WriteAllText(path, string.Empty);
        File.WriteAllText(info, "4000000 2026-01-01T00:00:00Z\n");
        using (var taken = Acquire().Value)
        {
            Assert.Equal($"took over the lock {path} left by PID 4000000 (no longer running, since 2026-01-01T00:00:00Z)", taken.Warning);
            Assert.StartsWith($"{Environment.ProcessId} ", File.ReadAllText(info), StringComparison.Ordinal);
        }

        Assert.False(File.Exists(info));
    }

    [Fact]
    public void A_left_pid_that_now_belongs_to_another_process_is_not_called_dead()
    {
        File.WriteAllText(Path.Combine(_directory, "replicate-host-storage.pid"), "1 2026-01-01T00:00:00Z\n");
        using var taken = Acquire().Value;
        Assert.Contains("that run no longer holds it, and PID 1 is now another process", taken.Warning, StringComparison.Ordinal);
        Assert.DoesNotContain("no longer running", taken.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lock_directory_that_is_a_file_is_named_in_words()
    {
        var file = Path.Combine(_directory, "plain-file");
        File.WriteAllText(file, string.Empty);
        var error = Acquire(Path.Combine(file, "locks")).Error!.Message;
        Assert.Equal($"cannot use the lock directory {file}/locks: {file} is a file, not a directory", error);
    }

    [Fact]
    public void A_lock_path_that_is_a_directory_is_named_in_words()
    {
        Directory.CreateDirectory(RunLock.PathFor(_directory, "replicate-host-storage"));
        var error = Acquire().Error!.Message;
        Assert.Equal($"cannot open the lock file {RunLock.PathFor(_directory, "replicate-host-storage")}: Is a directory", error);
        Assert.DoesNotContain("already running", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_read_only_lock_directory_holding_a_lock_file_is_not_taken_for_a_running_replication()
    {
        var readOnly = Path.Combine(_directory, "ro");
        Directory.CreateDirectory(readOnly);
        File.WriteAllText(RunLock.PathFor(readOnly, "replicate-host-storage"), string.Empty);
        // A read-only bind mount: root ignores permission bits, not a read-only file system.
        Assert.Equal(0, Testing.Processes.Run("sh", ["-c", $"mount --bind {readOnly} {readOnly} && mount -o remount,ro,bind {readOnly}"]).ExitCode);
        try
        {
            var error = Acquire(readOnly).Error!.Message;
            Assert.Equal($"cannot open the lock file {RunLock.PathFor(readOnly, "replicate-host-storage")}: Read-only file system", error);
        }
        finally
        {
            Testing.Processes.Run("umount", [readOnly]);
        }
    }
}
