using System.Diagnostics;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs.Tests;

/// <summary>The real pipe with ordinary programs standing in for zfs send and zfs recv.</summary>
public class ProcessPipeTests
{
    [Fact]
    public void Every_byte_arrives_and_is_counted()
    {
        var result = new ProcessPipe().Run(Command.Of("head", "-c", "1000000", "/dev/urandom"), Command.Of("wc", "-c"), null, CancellationToken.None);
        Assert.True(result.Succeeded, result.ErrorSummary);
        Assert.Equal(1_000_000, result.Bytes);
        Assert.Equal("1000000", result.To.StandardOutput.Trim());
    }

    [Fact]
    public void The_bandwidth_limit_holds()
    {
        // A lower bound only: a limit of 200 kB/s can never move 300 kB in less than 1.5 s, however slow the machine.
        var result = new ProcessPipe().Run(Command.Of("head", "-c", "300000", "/dev/zero"), Command.Of("wc", "-c"), 200_000, CancellationToken.None);
        Assert.True(result.Succeeded, result.ErrorSummary);
        Assert.True(result.Duration >= TimeSpan.FromSeconds(1.4), $"300000 bytes at 200000 B/s took {result.Duration}");
    }

    [Fact]
    public void A_failing_receiver_fails_the_pipe_with_its_stderr_and_stops_the_sender()
    {
        var result = new ProcessPipe().Run(Command.Of("cat", "/dev/zero"), Command.Of("sh", "-c", "head -c 10 >/dev/null; echo 'cannot receive: pool is full' >&2; exit 1"), null, CancellationToken.None);
        Assert.False(result.Succeeded);
        Assert.Contains("cannot receive: pool is full", result.ErrorSummary);
    }

    [Fact]
    public void Cancelling_kills_both_sides_and_returns()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var marker = $"zfsansible-pipe-{Guid.NewGuid():N}";
        var result = new ProcessPipe().Run(Command.Of("bash", "-c", $"exec -a {marker} cat /dev/zero"), Command.Of("sh", "-c", "cat >/dev/null"), 1_000_000, cancel.Token);
        Assert.True(result.Cancelled);
        Assert.False(result.Succeeded);
        using var pgrep = Process.Start(new ProcessStartInfo("pgrep", ["-f", marker]) { RedirectStandardOutput = true })!;
        pgrep.WaitForExit();
        Assert.Equal(1, pgrep.ExitCode);
    }

    [Fact]
    public void A_missing_program_is_reported_not_thrown()
    {
        var result = new ProcessPipe().Run(Command.Of("no-such-zfs-program"), Command.Of("wc", "-c"), null, CancellationToken.None);
        Assert.Equal(127, result.From.ExitCode);
        Assert.Contains("command not found", result.ErrorSummary);
    }
}

public class SshEndpointTests
{
    [Fact]
    public void Every_word_reaches_the_remote_shell_as_one_quoted_argument()
    {
        var endpoint = SshEndpoint.Create("host-storage", "root", 2222, "/keys/id", ["StrictHostKeyChecking=accept-new"]).Value;
        var wrapped = endpoint.Wrap(Command.Of("zfs", "send", "-I", "tank/a@x", "tank/a@it's; rm -rf /"));
        Assert.Equal(
            ["-o", "BatchMode=yes", "-o", "ConnectTimeout=15", "-o", "ServerAliveInterval=15", "-p", "2222", "-i", "/keys/id", "-o", "IdentitiesOnly=yes",
             "-o", "StrictHostKeyChecking=accept-new", "root@host-storage", "--",
             "'env'", "'LC_ALL=C'", "'PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin'", "'zfs'", "'send'", "'-I'", "'tank/a@x'", "'tank/a@it'\\''s; rm -rf /'"],
            wrapped.Arguments);
        Assert.Equal("ssh", wrapped.Program);
    }

    [Fact]
    public void A_failed_pipe_over_ssh_never_shows_the_key_path_or_the_options()
    {
        var endpoint = SshEndpoint.Create("host-storage", "root", 22, "/keys/secret-key", ["UserKnownHostsFile=/keys/known"]).Value;
        var result = new ProcessPipe().Run(Command.Of("false"), endpoint.Wrap(Command.Of("zfs", "recv", "x")), null, CancellationToken.None);
        Assert.False(result.Succeeded);
        Assert.DoesNotContain("/keys/", result.ErrorSummary, StringComparison.Ordinal);
        Assert.DoesNotContain("/keys/", endpoint.Wrap(Command.Of("zfs", "list")).ToString(), StringComparison.Ordinal);
        var inner = Command.Of("helper").WithSecretArguments("hunter2");
        Assert.DoesNotContain("hunter2", endpoint.Wrap(inner).ToString(), StringComparison.Ordinal);
    }
}

public class SshOptionsTests
{
    [Theory]
    [InlineData("StrictHostKeyChecking=accept-new")]
    [InlineData("UserKnownHostsFile=/etc/zfsansible/known_hosts")]
    [InlineData("ciphers=aes128-gcm@openssh.com,chacha20-poly1305@openssh.com")]
    [InlineData("ServerAliveCountMax=3")]
    public void Connection_tuning_is_allowed(string option) => Assert.Null(SshOptions.Check(option));

    [Theory]
    [InlineData("ProxyCommand=touch${IFS}/tmp/x", "ProxyCommand is refused: it runs a local command")]
    [InlineData("proxycommand=sh", "proxycommand is refused: it runs a local command")]
    [InlineData("PermitLocalCommand=yes", "PermitLocalCommand is refused")]
    [InlineData("LocalCommand=touch${IFS}/tmp/x", "LocalCommand is refused: it runs a local command")]
    [InlineData("KnownHostsCommand=/bin/sh", "KnownHostsCommand is refused: it runs a local command")]
    [InlineData("PKCS11Provider=/tmp/evil.so", "PKCS11Provider is refused: it loads a shared library")]
    [InlineData("SecurityKeyProvider=/tmp/evil.so", "SecurityKeyProvider is refused: it loads a shared library")]
    [InlineData("Include=/tmp/evil.conf", "Include is refused")]
    [InlineData("Match=exec", "Match is refused")]
    [InlineData("ProxyJump=bastion", "ProxyJump is refused")]
    [InlineData("ControlPersist=yes", "ControlPersist is refused")]
    [InlineData("RemoteCommand=id", "RemoteCommand is refused")]
    [InlineData("EscapeChar=none", "EscapeChar is not one of the allowed options (AddressFamily,")]
    [InlineData("ProxyCommand sh -c id", "is not an ssh option of the form Key=value")]
    [InlineData("-oProxyCommand=id", "is not an ssh option of the form Key=value")]
    [InlineData("UserKnownHostsFile=/a /b", "is not an ssh option of the form Key=value")]
    [InlineData("HostKeyAlias=$(id)", "is not an ssh option of the form Key=value")]
    [InlineData("HostKeyAlias=a`id`", "is not an ssh option of the form Key=value")]
    [InlineData("HostKeyAlias=a\n", "is not an ssh option of the form Key=value")]
    public void Options_that_run_or_load_something_or_are_unknown_are_refused_by_name(string option, string reason) =>
        Assert.Contains(reason, SshOptions.Check(option)!.Message, StringComparison.Ordinal);

    [Fact]
    public void An_endpoint_cannot_be_made_with_a_refused_option_or_a_host_that_is_an_option()
    {
        var refused = SshEndpoint.Create("-oProxyCommand=id", "root", 22, "relative", ["LocalCommand=id"]);
        Assert.False(refused.IsOk);
        Assert.Contains("remote_host '-oProxyCommand=id' is not a host name", refused.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("ssh_key must be an absolute path", refused.Error.Message, StringComparison.Ordinal);
        Assert.Contains("LocalCommand is refused", refused.Error.Message, StringComparison.Ordinal);
    }
}
