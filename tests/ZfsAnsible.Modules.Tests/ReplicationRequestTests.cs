using ZfsAnsible.Modules.ZfsReplicate;

namespace ZfsAnsible.Modules.Tests;

public class ReplicationRequestTests
{
    private static Domain.Result<ReplicationRequest> Create(string? host = "host-storage", string rate = "3M", string user = "root", long port = 22) =>
        ReplicationRequest.Create(["tank/docs"], [], "slowpool/backups/raw/host-storage", "pull", host, user, port, "/root/.ssh/key", [], rate, false, true, true, "/run/zfsansible");

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

public sealed class HostLockTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("zfsansible-lock-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_second_run_for_the_same_host_is_refused_while_another_host_goes_ahead()
    {
        using var first = HostLock.Acquire(_directory, "host-storage").Value;
        // This process holds it, and this process is alive: the same as another live run.
        var second = HostLock.Acquire(_directory, "host-storage");
        Assert.False(second.IsOk);
        Assert.Contains($"PID {Environment.ProcessId} holds", second.Error!.Message);
        using var other = HostLock.Acquire(_directory, "dns").Value;
        Assert.Null(other.Warning);
    }

    [Fact]
    public void A_dead_holder_is_taken_over_with_a_warning_and_release_removes_the_file()
    {
        var path = HostLock.PathFor(_directory, "host-storage");
        var info = Path.ChangeExtension(path, ".pid");
        File.WriteAllText(path, string.Empty);
        File.WriteAllText(info, "4000000 2026-01-01T00:00:00Z\n");
        using (var taken = HostLock.Acquire(_directory, "host-storage").Value)
        {
            Assert.Equal($"took over the lock {path} left by PID 4000000 (no longer running, since 2026-01-01T00:00:00Z)", taken.Warning);
            Assert.StartsWith($"{Environment.ProcessId} ", File.ReadAllText(info));
        }

        Assert.False(File.Exists(info));
    }
}
