using ZfsAnsible.Modules.ZfsReplicate;
using ZfsAnsible.Testing;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.Tests;

/// <summary>ReplicationRun's handling of a transfer that fails or is interrupted, with a scripted zfs-fuse and a scripted pipe.</summary>
public sealed class ReplicationRunTests : IDisposable
{
    private readonly string _locks = Directory.CreateTempSubdirectory("zfsansible-run-").FullName;

    public void Dispose() => Directory.Delete(_locks, recursive: true);

    private static ScriptedRunner LegacyZfsWithOneSnapshot() => new ScriptedRunner()
        .On("zfs version", exit: 2, stderr: "unrecognized command")
        .On("zpool list -H -p -o name", exit: 2, stderr: "invalid option 'p'")
        .On("zfs get -H -p -r -o name,property,value,source guid,createtxg,zfsansible:replicated,zfsansible:policy,zfsansible:retention,zfsansible:replica_policy,zfsansible:replica_retention tank/docs",
            "tank/docs@s1\tguid\t11\t-\ntank/docs@s1\tcreatetxg\t5\t-\ntank/docs@s1\tzfsansible:replicated\t-\t-\n")
        .On("zfs get -H -p -r -o name,property,value,source guid,createtxg,zfsansible:replicated,readonly,canmount,zfsansible:replica_policy,zfsansible:replica_retention backup/h/tank/docs",
            exit: 1, stderr: "cannot open 'backup/h/tank/docs': dataset does not exist")
        .On("zfs create -p backup/h/tank");

    private ReplicationOutcome Run(ScriptedRunner runner, PipeResult result) => Run(runner, new FixedPipe(result));

    private ReplicationOutcome Run(ScriptedRunner runner, IPipeRunner pipe)
    {
        var request = ReplicationRequest.Create(new(["tank/docs"], [], "backup/h", LockDir: _locks)).Value;
        return new ReplicationRun(runner, pipe, TimeProvider.System, "backup-host").Execute(request, checkMode: false, CancellationToken.None);
    }

    private static CommandResult Ok(string command) => new(Command.Of(command), 0, string.Empty, string.Empty);

    [Fact]
    public void A_failing_receive_is_one_line_naming_the_receiving_command_and_its_stderr()
    {
        var outcome = Run(LegacyZfsWithOneSnapshot(), new PipeResult(
            Ok("send"), new CommandResult(Command.Of("zfs", "recv"), 1, string.Empty, "cannot receive new filesystem stream: out of space\n"), 100, TimeSpan.FromSeconds(1), false));
        Assert.Equal("tank/docs to backup/h/tank/docs: zfs recv -u backup/h/tank/docs failed (exit 1): cannot receive new filesystem stream: out of space", outcome.Failure);
        Assert.Contains("zfs create -p backup/h/tank", outcome.Commands);
        Assert.False(File.Exists(Path.Combine(_locks, "replicate-local.pid")), "the lock was not released");
    }

    [Fact]
    public void An_interrupted_transfer_says_how_far_it_got_and_releases_the_lock()
    {
        var outcome = Run(LegacyZfsWithOneSnapshot(), new PipeResult(Ok("send"), Ok("recv"), 4096, TimeSpan.FromSeconds(1), Cancelled: true));
        Assert.Equal("tank/docs to backup/h/tank/docs: interrupted after 4096 bytes; the lock was released.", outcome.Failure);
        Assert.False(File.Exists(Path.Combine(_locks, "replicate-local.pid")));
    }

    [Fact]
    public void A_target_it_did_not_create_gets_no_command_and_is_named_in_the_failure()
    {
        var runner = LegacyZfsWithOneSnapshot()
            .On("zfs get -H -p -r -o name,property,value,source guid,createtxg,zfsansible:replicated,readonly,canmount,zfsansible:replica_policy,zfsansible:replica_retention backup/h/tank/docs",
                "backup/h/tank/docs\treadonly\toff\tdefault\nbackup/h/tank/docs\tcanmount\ton\tdefault\n");
        var outcome = Run(runner, new PipeResult(Ok("send"), Ok("recv"), 0, TimeSpan.Zero, false));
        Assert.StartsWith("backup/h/tank/docs exists but shares no snapshot with tank/docs", outcome.Failure, StringComparison.Ordinal);
        Assert.Empty(outcome.Commands);
        Assert.All(runner.Ran, c => Assert.True(c.Arguments[0] is "get" or "version" or "list", $"a write ran: {c}"));
    }

    [Fact]
    public void Check_mode_lists_the_commands_a_real_run_issues_in_order()
    {
        var request = ReplicationRequest.Create(new(["tank/docs"], [], "backup/h", LockDir: _locks)).Value;
        var checkRunner = LegacyZfsWithOneSnapshot();
        var check = new ReplicationRun(checkRunner, new FixedPipe(new PipeResult(Ok("send"), Ok("recv"), 0, TimeSpan.Zero, false)), TimeProvider.System, "backup-host")
            .Execute(request, checkMode: true, CancellationToken.None);
        Assert.DoesNotContain(checkRunner.Ran, c => c.Arguments[0] is "create" or "set" or "hold");

        var realRunner = LegacyZfsWithOneSnapshot();
        realRunner.Dynamic = c => c.Arguments[0] is "set" or "hold" ? string.Empty : null;
        var real = new ReplicationRun(realRunner, new FixedPipe(new PipeResult(Ok("send"), Ok("recv"), 10, TimeSpan.Zero, false)), TimeProvider.System, "backup-host")
            .Execute(request, checkMode: false, CancellationToken.None);
        Assert.Null(real.Failure);
        Assert.Equal(
            check.Commands.Select(c => System.Text.RegularExpressions.Regex.Replace(c, @"=\d+ ", "=N ")),
            real.Commands.Select(c => System.Text.RegularExpressions.Regex.Replace(c, @"=\d+ ", "=N ")));
        Assert.Equal("zfs create -p backup/h/tank", check.Commands[0]);
        Assert.Equal("zfs send tank/docs@s1 | zfs recv -u backup/h/tank/docs", check.Commands[1]);
        Assert.Contains("zfs set readonly=on backup/h/tank/docs", check.Commands);
        Assert.Equal("zfs set zfsansible:last_bytes=10 backup/h/tank/docs", real.Commands[^1]);
    }

    [Fact]
    public void On_OpenZFS_a_new_replica_is_received_protected_and_reads_of_both_sides_overlap()
    {
        var runner = new ScriptedRunner()
            .On("zfs version", "zfs-2.3.2-1\nzfs-kmod-2.3.2-1\n")
            .On("zfs get -H -p -r -o name,property,value,source guid,createtxg,zfsansible:replicated,zfsansible:policy,zfsansible:retention,zfsansible:replica_policy,zfsansible:replica_retention tank/docs",
                "tank/docs@s1\tguid\t11\t-\ntank/docs@s1\tcreatetxg\t5\t-\ntank/docs@s1\tzfsansible:replicated\t-\t-\n")
            .On("zfs get -H -p -r -o name,property,value,source guid,createtxg,zfsansible:replicated,readonly,canmount,zfsansible:replica_policy,zfsansible:replica_retention,receive_resume_token backup/h/tank/docs",
                exit: 1, stderr: "cannot open 'backup/h/tank/docs': dataset does not exist");
        var pipe = new RecordingPipe();
        runner.Dynamic = c => c.Arguments[0] is "create" or "set" or "hold" ? string.Empty : null;
        var outcome = Run(runner, pipe);
        Assert.Null(outcome.Failure);
        Assert.Equal(
            [
                "zfs create -p backup/h/tank",
                "zfs send tank/docs@s1 | zfs recv -u -s -o readonly=on -o canmount=noauto backup/h/tank/docs",
                "zfs hold zfsansible-replica-c7349e9fe4d95a35 tank/docs@s1",
                "zfs set zfsansible:replicated=backup-host:backup/h tank/docs@s1",
                "zfs set zfsansible:last_success=N zfsansible:last_duration_ms=N zfsansible:last_bytes=N backup/h/tank/docs",
            ],
            outcome.Commands.Select(c => System.Text.RegularExpressions.Regex.Replace(c, @"=\d+", "=N")));
        Assert.Equal(["recv", "-u", "-s", "-o", "readonly=on", "-o", "canmount=noauto", "backup/h/tank/docs"], (string[])[.. pipe.To!.Arguments]);
    }

    /// <summary>A pipe that answers every transfer the same way, as a scripted runner answers commands.</summary>
    private sealed class FixedPipe(PipeResult result) : IPipeRunner
    {
        public PipeResult Run(Command from, Command to, long? bytesPerSecond, CancellationToken cancellation) => result;
    }

    /// <summary>A pipe that succeeds and keeps the receiving command it was given.</summary>
    private sealed class RecordingPipe : IPipeRunner
    {
        public Command? To { get; private set; }

        public PipeResult Run(Command from, Command to, long? bytesPerSecond, CancellationToken cancellation)
        {
            To = to;
            return new PipeResult(Ok("send"), Ok("recv"), 10, TimeSpan.Zero, false);
        }
    }
}
