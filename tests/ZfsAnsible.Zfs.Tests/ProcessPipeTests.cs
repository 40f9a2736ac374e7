using System.Diagnostics;
using System.IO.Pipes;
using ZfsAnsible.Testing;
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
    public async Task In_the_kernel_a_pipe_is_moved_to_a_pipe_whole_and_counted()
    {
        // Two real pipes, as zfs send's stdout and zfs recv's stdin are: 8 MB written into one arrive out of the other.
        using var sendOut = new AnonymousPipeServerStream(PipeDirection.Out);
        using var fromSend = new AnonymousPipeClientStream(PipeDirection.In, sendOut.ClientSafePipeHandle);
        using var recvIn = new AnonymousPipeServerStream(PipeDirection.In);
        using var toRecv = new AnonymousPipeClientStream(PipeDirection.Out, recvIn.ClientSafePipeHandle);
        var data = new byte[8 << 20];
        new Random(7).NextBytes(data);
        var writer = Task.Run(() =>
        {
            sendOut.Write(data);
            sendOut.Dispose();
        }, TestContext.Current.CancellationToken);
        var reader = Task.Run(() =>
        {
            using var received = new MemoryStream();
            recvIn.CopyTo(received);
            return received.ToArray();
        }, TestContext.Current.CancellationToken);

        long moved = 0;
        Assert.Equal(KernelPipe.Outcome.Done, KernelPipe.Move(fromSend, toRecv, n => moved += n));
        toRecv.Dispose();
        await writer;
        Assert.Equal(data.Length, moved);
        Assert.Equal(data, await reader);
    }

    [Fact]
    public void A_stream_that_is_not_a_pipe_is_left_to_the_copy()
    {
        using var file = new MemoryStream([1, 2, 3]);
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        Assert.Equal(KernelPipe.Outcome.Unsupported, KernelPipe.Move(file, pipe, _ => { }));
    }

    [Fact]
    public void Cancelling_an_unlimited_transfer_kills_both_sides_and_returns()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var result = new ProcessPipe().Run(Command.Of("cat", "/dev/zero"), Command.Of("sh", "-c", "cat >/dev/null"), null, cancel.Token);
        Assert.True(result.Cancelled);
        Assert.False(result.Succeeded);
        Assert.True(result.Bytes > 0);
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
        AssertGone(marker);
    }

    [Fact]
    public void What_the_stream_waits_for_runs_once_both_commands_have_started_and_no_byte_moves_before_it_is_done()
    {
        var dir = Directory.CreateTempSubdirectory("zfsansible-ready-").FullName;
        try
        {
            var sent = Path.Combine(dir, "sent");
            var received = Path.Combine(dir, "received");
            var sawBoth = false;
            var result = new ProcessPipe().Run(
                Command.Of("sh", "-c", $"touch {sent}; exec head -c 1000000 /dev/urandom"),
                Command.Of("sh", "-c", $"touch {received}; exec wc -c"),
                null,
                CancellationToken.None,
                ready: () =>
                {
                    var waited = Stopwatch.StartNew();
                    while (!(File.Exists(sent) && File.Exists(received)) && waited.Elapsed < TimeSpan.FromSeconds(10))
                    {
                        Thread.Sleep(10);
                    }

                    sawBoth = File.Exists(sent) && File.Exists(received);
                    return true;
                });
            Assert.True(sawBoth, "ready ran before both commands had started");
            Assert.True(result.Succeeded, result.ErrorSummary);
            Assert.Equal(1_000_000, result.Bytes);
            Assert.Equal("1000000", result.To.StandardOutput.Trim());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void When_what_the_stream_waits_for_fails_both_commands_are_stopped_and_the_receiver_got_nothing()
    {
        var marker = $"zfsansible-pipe-{Guid.NewGuid():N}";
        var result = new ProcessPipe().Run(Command.Of("bash", "-c", $"exec -a {marker} cat /dev/zero"), Command.Of("wc", "-c"), null, CancellationToken.None, ready: () => false);
        Assert.True(result.Cancelled);
        Assert.Equal(0, result.Bytes);
        Assert.Equal(string.Empty, result.To.StandardOutput);
        AssertGone(marker);

        // A ready that throws stops both as well, and its exception is not swallowed.
        marker = $"zfsansible-pipe-{Guid.NewGuid():N}";
        var thrown = Assert.Throws<InvalidOperationException>(() => new ProcessPipe().Run(
            Command.Of("bash", "-c", $"exec -a {marker} cat /dev/zero"), Command.Of("wc", "-c"), null, CancellationToken.None, ready: () => throw new InvalidOperationException("broken")));
        Assert.Equal("broken", thrown.Message);
        AssertGone(marker);
    }

    private static void AssertGone(string marker)
    {
        // Killed is not yet reaped: give the kernel a moment.
        var waited = Stopwatch.StartNew();
        int exit;
        do
        {
            using var pgrep = Process.Start(new ProcessStartInfo("pgrep", ["-f", marker]) { RedirectStandardOutput = true })!;
            pgrep.WaitForExit();
            exit = pgrep.ExitCode;
        }
        while (exit == 0 && waited.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(1, exit);
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
    public void A_remote_command_says_where_it_failed_and_a_session_cut_off_in_silence_that_its_connection_was_closed()
    {
        var endpoint = SshEndpoint.Create("host-storage", "root", 2222, "/keys/id", []).Value;
        string Failure(int exit, string stderr) =>
            new SshCommandRunner(new Answering(c => new CommandResult(c, exit, string.Empty, stderr)), endpoint).Run(Command.Of("zfs", "hold", "t", "tank/a@s")).StandardError;

        Assert.Equal("(on host-storage) cannot hold snapshot 'tank/a@s': tag already exists\n", Failure(1, "cannot hold snapshot 'tank/a@s': tag already exists\n"));
        Assert.Equal("ssh to root@host-storage:2222: Connection refused\n", Failure(255, "Connection refused\n"));
        Assert.Equal("ssh to root@host-storage:2222: the connection was closed", Failure(255, string.Empty));
    }

    private sealed class Answering(Func<Command, CommandResult> answer) : ICommandRunner
    {
        public CommandResult Run(Command command) => answer(command);
    }

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

public class SshMasterTests
{
    private static readonly SshEndpoint Endpoint = SshEndpoint.Create("host-storage", "root", 2222, "/keys/id", ["StrictHostKeyChecking=accept-new"]).Value;

    [Fact]
    public void The_run_s_commands_go_through_one_master_connection_that_is_closed_at_the_end()
    {
        // The scripted "ssh -M" makes its socket, as ssh does once it is connected.
        var runner = new ScriptedRunner
        {
            Dynamic = command =>
            {
                var arguments = command.Arguments.ToList();
                if (arguments.Contains("-M"))
                {
                    File.WriteAllText(arguments[arguments.IndexOf("-S") + 1], string.Empty);
                }

                return arguments.Contains("-M") || arguments.Contains("exit") ? string.Empty : null;
            },
        };
        string socket;
        using (var master = SshMaster.Open(runner, Endpoint, TestContext.Current.CancellationToken))
        {
            Assert.True(master.IsConnected);
            var start = runner.Ran.Single().Arguments.ToList();
            socket = start[start.IndexOf("-S") + 1];
            Assert.Equal(["-M", "-N", "-f", "-S", socket, "-o", "ControlPersist=120", "root@host-storage"], start.Skip(start.IndexOf("-M")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(socket)!));

            var wrapped = master.Endpoint.Wrap(Command.Of("zfs", "list")).Arguments.ToList();
            Assert.Equal(["-S", socket, "-o", "ControlMaster=no", "root@host-storage", "--"], wrapped.Skip(wrapped.IndexOf("-S")).Take(6));
            Assert.Contains("/keys/id", wrapped); // the connection settings stay for a fallback to a direct connection
        }

        var exit = runner.Ran.Last().Arguments.ToList();
        Assert.Equal(["-S", socket, "-O", "exit", "root@host-storage"], exit.Skip(exit.IndexOf("-S")));
        Assert.False(Directory.Exists(Path.GetDirectoryName(socket)));
    }

    [Fact]
    public void Once_the_run_is_told_to_stop_the_connection_is_closed_after_the_grace_and_only_once()
    {
        var exits = 0;
        var runner = new ScriptedRunner
        {
            Dynamic = command =>
            {
                var arguments = command.Arguments.ToList();
                if (arguments.Contains("-M"))
                {
                    File.WriteAllText(arguments[arguments.IndexOf("-S") + 1], string.Empty);
                }

                if (arguments.Contains("exit"))
                {
                    Interlocked.Increment(ref exits);
                }

                return string.Empty;
            },
        };

        // Stopped: closed once the grace is over, under whatever still runs through it; the run's own close is a no-op.
        using (var stop = new CancellationTokenSource())
        using (SshMaster.Open(runner, Endpoint, TimeSpan.FromMilliseconds(50), stop.Token))
        {
            stop.Cancel();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref exits) == 0 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }

            Assert.Equal(1, Volatile.Read(ref exits));
        }

        Assert.Equal(1, exits);

        // Closed by the run within the grace: the hang-up is called off.
        using (var stop = new CancellationTokenSource())
        using (SshMaster.Open(runner, Endpoint, TimeSpan.FromMilliseconds(300), stop.Token))
        {
            stop.Cancel();
        }

        Thread.Sleep(600);
        Assert.Equal(2, Volatile.Read(ref exits));
    }

    [Fact]
    public void A_host_ssh_cannot_reach_is_the_answer_in_ssh_s_words_without_the_key_path()
    {
        var start = Endpoint.MasterCommand("/tmp/x/master", SshMaster.Idle);
        var refused = new ScriptedRunner().On(start.ToString(), exit: 255, stderr: "Warning: Identity file /keys/id not accessible.\nssh: connect to host host-storage port 2222: Connection refused\n");
        using var master = SshMaster.Open(new SocketPathAgnostic(refused, start), Endpoint, TestContext.Current.CancellationToken);
        Assert.False(master.IsConnected);
        Assert.StartsWith("ssh to root@host-storage:2222: ", master.Failure, StringComparison.Ordinal);
        Assert.Contains("Connection refused", master.Failure, StringComparison.Ordinal);
        Assert.DoesNotContain("/keys/", master.Failure, StringComparison.Ordinal);
    }

    /// <summary>Answers the master command whatever its (random) socket path, with the script's answer for <paramref name="scripted"/>.</summary>
    private sealed class SocketPathAgnostic(ScriptedRunner inner, Command scripted) : ICommandRunner
    {
        public CommandResult Run(Command command) =>
            command.Arguments.Contains("-M") ? inner.Run(scripted) with { Command = command } : inner.Run(command);
    }

    [Fact]
    public void A_master_that_cannot_start_leaves_every_command_to_connect_on_its_own()
    {
        var runner = new ScriptedRunner();
        using (var master = SshMaster.Open(runner, Endpoint, TestContext.Current.CancellationToken))
        {
            Assert.False(master.IsConnected);
            Assert.Null(master.Failure); // exit 99, not ssh's 255: the commands themselves will say what is wrong
            Assert.Same(Endpoint, master.Endpoint);
            Assert.DoesNotContain("-S", master.Endpoint.Wrap(Command.Of("zfs", "list")).Arguments);
        }

        var start = Assert.Single(runner.Ran).Arguments.ToList(); // nothing to close
        Assert.False(Directory.Exists(Path.GetDirectoryName(start[start.IndexOf("-S") + 1])));
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
