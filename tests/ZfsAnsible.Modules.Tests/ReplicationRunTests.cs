using ZfsAnsible.Modules.ZfsReplicate;
using ZfsAnsible.Testing;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.Tests;

/// <summary>ReplicationRun's handling of a transfer that fails or is interrupted, with a scripted zfs-fuse and a scripted pipe.</summary>
public sealed class ReplicationRunTests : IDisposable
{
    private readonly string _locks = Directory.CreateTempSubdirectory("zfsansible-run-").FullName;

    public void Dispose() => Directory.Delete(_locks, recursive: true);

    // zfs-fuse's reads of one dataset (the dataset is the last word): no receive_resume_token.
    private const string LegacySourceRead = "zfs get -H -p -r -o name,property,value,source guid,createtxg,zfsansible:replicated,zfsansible:policy,zfsansible:retention,zfsansible:replica_policy,zfsansible:replica_retention tank/docs";
    private const string LegacyTargetRead = "zfs get -H -p -r -o name,property,value,source guid,createtxg,zfsansible:replicated,readonly,canmount,zfsansible:replica_policy,zfsansible:replica_retention backup/h/tank/docs";

    private static ScriptedRunner LegacyZfsWithOneSnapshot() => new ScriptedRunner()
        .On("zfs version", exit: 2, stderr: "unrecognized command")
        .On("zpool list -H -p -o name", exit: 2, stderr: "invalid option 'p'")
        .On(LegacySourceRead,
            "tank/docs@s1\tguid\t11\t-\ntank/docs@s1\tcreatetxg\t5\t-\ntank/docs@s1\tzfsansible:replicated\t-\t-\n")
        .On(LegacyTargetRead, exit: 1, stderr: "cannot open 'backup/h/tank/docs': dataset does not exist")
        .On("zfs create -p backup/h/tank");

    private ReplicationOutcome Run(ScriptedRunner runner, PipeResult result) => Run(runner, new FixedPipe(result));

    private ReplicationOutcome Run(ICommandRunner runner, IPipeRunner pipe)
    {
        var request = ReplicationRequest.Create(new(["tank/docs"], [], "backup/h", LockDir: _locks)).Value;
        return new ReplicationRun(runner, pipe, TimeProvider.System, "backup-host").Execute(request, checkMode: false, CancellationToken.None);
    }

    private static CommandResult Ok(string command) => new(Command.Of(command), 0, string.Empty, string.Empty);

    [Fact]
    public void A_child_whose_parents_replica_the_run_makes_first_is_received_without_creating_parents_again()
    {
        var runner = LegacyZfsWithOneSnapshot()
            .On(LegacySourceRead + "/sub",
                "tank/docs/sub@s1\tguid\t12\t-\ntank/docs/sub@s1\tcreatetxg\t6\t-\ntank/docs/sub@s1\tzfsansible:replicated\t-\t-\n")
            .On(LegacyTargetRead + "/sub",
                exit: 1, stderr: "cannot open 'backup/h/tank/docs/sub': dataset does not exist");
        var request = ReplicationRequest.Create(new(["tank/docs/sub", "tank/docs"], [], "backup/h", LockDir: _locks)).Value;
        var outcome = new ReplicationRun(runner, new RecordingPipe(), TimeProvider.System, "backup-host").Execute(request, checkMode: true, CancellationToken.None);
        Assert.Null(outcome.Failure);
        Assert.Equal(["zfs create -p backup/h/tank"], outcome.Commands.Where(c => c.Contains("create", StringComparison.Ordinal)));
        Assert.Equal(
            ["zfs send tank/docs@s1 | zfs recv -u backup/h/tank/docs", "zfs send tank/docs/sub@s1 | zfs recv -u backup/h/tank/docs/sub"],
            outcome.Commands.Where(c => c.Contains("recv", StringComparison.Ordinal)));
    }

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
            .On(LegacyTargetRead,
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
    public void On_zfs_fuse_an_actions_one_property_sets_run_side_by_side_listed_in_order_and_the_first_failure_in_that_order_is_the_reason()
    {
        var scripted = LegacyZfsWithOneSnapshot();
        scripted.Dynamic = c => c.Arguments[0] is "hold" or "set" && !c.ToString().Contains("last_duration_ms", StringComparison.Ordinal) ? string.Empty : null;
        scripted.On("zfs set zfsansible:last_duration_ms=0 backup/h/tank/docs", exit: 1, stderr: "cannot set property: out of space");
        // The protection's two sets, then the record's three: run one after the other, they fail.
        using var protect = new Meeting(2);
        using var record = new Meeting(3);
        var runner = new MeetingRunner(
            scripted,
            (protect, c => c.ToString() is "zfs set readonly=on backup/h/tank/docs" or "zfs set canmount=noauto backup/h/tank/docs"),
            (record, c => c.ToString().StartsWith("zfs set zfsansible:last_", StringComparison.Ordinal)));

        var outcome = Run(runner, new FixedPipe(new PipeResult(Ok("send"), Ok("recv"), 10, TimeSpan.Zero, false)));

        Assert.Equal("zfs set zfsansible:last_duration_ms=0 backup/h/tank/docs failed (exit 1): cannot set property: out of space", outcome.Failure);
        Assert.Equal(
            [
                "zfs set readonly=on backup/h/tank/docs",
                "zfs set canmount=noauto backup/h/tank/docs",
                "zfs set zfsansible:last_success=N backup/h/tank/docs",
                "zfs set zfsansible:last_duration_ms=N backup/h/tank/docs",
                "zfs set zfsansible:last_bytes=N backup/h/tank/docs",
            ],
            outcome.Commands.Where(c => c.EndsWith(" backup/h/tank/docs", StringComparison.Ordinal) && c.StartsWith("zfs set", StringComparison.Ordinal))
                .Select(c => System.Text.RegularExpressions.Regex.Replace(c, @"=\d+", "=N")));
    }

    private static ScriptedRunner OpenZfsWithOneSnapshot() => new ScriptedRunner()
        .On("zfs version", "zfs-2.3.2-1\nzfs-kmod-2.3.2-1\n")
        .On(SourceRead, "tank/docs@s1\tguid\t11\t-\ntank/docs@s1\tcreatetxg\t5\t-\ntank/docs@s1\tzfsansible:replicated\t-\t-\n")
        .On(TargetRead, exit: 1, stderr: "cannot open 'backup/h/tank/docs': dataset does not exist");

    private const string SourceRead = "zfs get -H -p -r -o name,property,value,source guid,createtxg,zfsansible:replicated,zfsansible:policy,zfsansible:retention,zfsansible:replica_policy,zfsansible:replica_retention tank/docs";
    private const string TargetRead = "zfs get -H -p -r -o name,property,value,source guid,createtxg,zfsansible:replicated,readonly,canmount,zfsansible:replica_policy,zfsansible:replica_retention,receive_resume_token backup/h/tank/docs";
    private const string Mark = "zfs set zfsansible:replicated=backup-host:backup/h tank/docs@s1";

    private static bool IsRecord(Command c) => c.ToString().StartsWith("zfs set zfsansible:last_success=", StringComparison.Ordinal);

    [Fact]
    public void On_OpenZFS_a_new_replica_is_received_protected_both_sides_are_read_side_by_side_and_its_snapshot_is_held_while_it_travels()
    {
        var scripted = OpenZfsWithOneSnapshot();
        scripted.Dynamic = c => c.Arguments[0] is "create" or "set" or "hold" ? string.Empty : null;
        // Each meeting's commands answer only once all of them are running: run one after the other, they fail.
        using var reads = new Meeting(2);
        using var transfer = new Meeting(2);
        var runner = new MeetingRunner(scripted, (reads, c => c.ToString() == SourceRead), (reads, c => c.ToString() == TargetRead), (transfer, c => c.ToString() == Hold));
        var pipe = new RecordingPipe(transfer);
        var outcome = Run(runner, pipe);
        Assert.Null(outcome.Failure);
        Assert.Equal(
            [
                "zfs create -p backup/h/tank",
                "zfs send tank/docs@s1 | zfs recv -u -s -o readonly=on -o canmount=noauto backup/h/tank/docs",
                Hold,
                Mark,
                "zfs set zfsansible:last_success=N zfsansible:last_duration_ms=N zfsansible:last_bytes=N backup/h/tank/docs",
            ],
            outcome.Commands.Select(c => System.Text.RegularExpressions.Regex.Replace(c, @"=\d+", "=N")));
        Assert.Equal(["recv", "-u", "-s", "-o", "readonly=on", "-o", "canmount=noauto", "backup/h/tank/docs"], (string[])[.. pipe.To!.Arguments]);
    }

    private const string Hold = "zfs hold zfsansible-replica-c7349e9fe4d95a35 tank/docs@s1";

    [Fact]
    public void A_failed_hold_stops_the_dataset_before_anything_is_marked_or_recorded()
    {
        var runner = OpenZfsWithOneSnapshot()
            .On("zfs create -p backup/h/tank")
            .On(Hold, exit: 1, stderr: "cannot hold snapshot 'tank/docs@s1': out of space");
        var outcome = Run(runner, new RecordingPipe());
        Assert.StartsWith($"{Hold} failed (exit 1): cannot hold", outcome.Failure, StringComparison.Ordinal);
        Assert.DoesNotContain(runner.Ran, c => c.Arguments[0] == "set");
    }

    [Fact]
    public void A_failed_transfer_is_the_reason_given_and_the_snapshot_held_meanwhile_stays_held_and_marked_for_the_next_run()
    {
        var runner = OpenZfsWithOneSnapshot().On("zfs create -p backup/h/tank").On(Hold).On(Mark);
        var outcome = Run(runner, new FixedPipe(new PipeResult(
            Ok("send"), new CommandResult(Command.Of("zfs", "recv"), 1, string.Empty, "cannot receive new filesystem stream: out of space\n"), 100, TimeSpan.FromSeconds(1), false)));
        Assert.StartsWith("tank/docs to backup/h/tank/docs: zfs recv -u -s -o readonly=on -o canmount=noauto backup/h/tank/docs failed (exit 1): cannot receive", outcome.Failure, StringComparison.Ordinal);
        Assert.Equal([Hold, Mark], outcome.Commands[^2..]);
        Assert.DoesNotContain(runner.Ran, IsRecord);
    }

    [Fact]
    public void When_the_parents_cannot_be_made_no_byte_moves_nothing_is_held_and_the_create_is_the_reason()
    {
        var runner = OpenZfsWithOneSnapshot()
            .On("zfs create -p backup/h/tank", exit: 1, stderr: "cannot create 'backup/h/tank': out of space")
            .On(Hold).On(Mark);
        var pipe = new RecordingPipe();
        var outcome = Run(runner, pipe);
        Assert.Equal("zfs create -p backup/h/tank failed (exit 1): cannot create 'backup/h/tank': out of space", outcome.Failure);
        Assert.NotNull(pipe.To);
        Assert.Equal("zfs create -p backup/h/tank", outcome.Commands[0]);
        Assert.StartsWith("zfs send tank/docs@s1 | ", outcome.Commands[1], StringComparison.Ordinal);
        Assert.Equal(2, outcome.Commands.Length);
        Assert.DoesNotContain(runner.Ran, c => c.Arguments[0] is "hold" or "set");
    }

    /// <summary>tank/docs@s1 is the base of backup/h/tank/docs (held, marked), @s2 is new: an incremental run.</summary>
    private static ScriptedRunner OpenZfsWithANewSnapshot() => new ScriptedRunner()
        .On("zfs version", "zfs-2.3.2-1\nzfs-kmod-2.3.2-1\n")
        .On(SourceRead, "tank/docs@s1\tguid\t11\t-\ntank/docs@s1\tcreatetxg\t5\t-\ntank/docs@s1\tzfsansible:replicated\tbackup-host:backup/h\tlocal\n"
            + "tank/docs@s2\tguid\t12\t-\ntank/docs@s2\tcreatetxg\t6\t-\ntank/docs@s2\tzfsansible:replicated\t-\t-\n")
        .On(TargetRead, "backup/h/tank/docs\treadonly\ton\tlocal\nbackup/h/tank/docs\tcanmount\tnoauto\tlocal\nbackup/h/tank/docs\treceive_resume_token\t-\t-\n"
            + "backup/h/tank/docs@s1\tguid\t11\t-\nbackup/h/tank/docs@s1\tcreatetxg\t5\t-\n");

    private const string Unmark = "zfs inherit zfsansible:replicated tank/docs@s1";

    [Fact]
    public void An_incremental_run_lets_go_of_the_old_base_and_records_its_success_side_by_side_once_the_new_base_is_held_and_received()
    {
        var scripted = OpenZfsWithANewSnapshot();
        scripted.Dynamic = c => c.Arguments[0] is "set" or "hold" or "inherit" or "release" ? string.Empty : null;
        using var transfer = new Meeting(2);
        using var tail = new Meeting(2);
        var runner = new MeetingRunner(scripted, (transfer, c => c.ToString() == "zfs hold zfsansible-replica-c7349e9fe4d95a35 tank/docs@s2"), (tail, c => c.ToString() == Unmark), (tail, IsRecord));
        var outcome = Run(runner, new RecordingPipe(transfer));
        Assert.Null(outcome.Failure);
        Assert.Equal(
            [
                "zfs send -I tank/docs@s1 tank/docs@s2 | zfs recv -u -s backup/h/tank/docs",
                "zfs hold zfsansible-replica-c7349e9fe4d95a35 tank/docs@s2",
                "zfs set zfsansible:replicated=backup-host:backup/h tank/docs@s2",
                Unmark,
                "zfs release zfsansible-replica-c7349e9fe4d95a35 tank/docs@s1",
                "zfs set zfsansible:last_success=N zfsansible:last_duration_ms=N zfsansible:last_bytes=N backup/h/tank/docs",
            ],
            outcome.Commands.Select(c => System.Text.RegularExpressions.Regex.Replace(c, @"=\d+", "=N")));
    }

    [Fact]
    public void When_the_new_base_cannot_be_held_the_old_one_keeps_its_hold_and_mark()
    {
        var runner = OpenZfsWithANewSnapshot()
            .On("zfs hold zfsansible-replica-c7349e9fe4d95a35 tank/docs@s2", exit: 1, stderr: "cannot hold snapshot 'tank/docs@s2': out of space");
        var outcome = Run(runner, new RecordingPipe());
        Assert.StartsWith("zfs hold zfsansible-replica-c7349e9fe4d95a35 tank/docs@s2 failed (exit 1): cannot hold", outcome.Failure, StringComparison.Ordinal);
        Assert.StartsWith("zfs send -I tank/docs@s1 tank/docs@s2 | ", outcome.Commands[0], StringComparison.Ordinal);
        Assert.DoesNotContain(runner.Ran, c => c.Arguments[0] is "set" or "inherit" or "release");
    }

    [Fact]
    public void When_both_the_transfer_and_the_hold_beside_it_fail_the_transfer_is_the_reason_and_the_hold_a_warning()
    {
        var runner = OpenZfsWithANewSnapshot()
            .On("zfs hold zfsansible-replica-c7349e9fe4d95a35 tank/docs@s2", exit: 1, stderr: "cannot hold snapshot 'tank/docs@s2': out of space");
        var outcome = Run(runner, new FixedPipe(new PipeResult(
            Ok("send"), new CommandResult(Command.Of("zfs", "recv"), 1, string.Empty, "cannot receive incremental stream: out of space\n"), 100, TimeSpan.FromSeconds(1), false)));
        Assert.StartsWith("tank/docs to backup/h/tank/docs: zfs recv -u -s backup/h/tank/docs failed (exit 1): cannot receive", outcome.Failure, StringComparison.Ordinal);
        Assert.Contains(outcome.Warnings, w => w.StartsWith("zfs hold zfsansible-replica-c7349e9fe4d95a35 tank/docs@s2 failed (exit 1): cannot hold", StringComparison.Ordinal));
        Assert.DoesNotContain(runner.Ran, c => c.Arguments[0] is "set" or "inherit" or "release");
    }

    [Fact]
    public void When_the_source_side_fails_at_the_end_the_run_fails_with_its_reason_and_lists_both_sides_in_plan_order()
    {
        var runner = OpenZfsWithANewSnapshot()
            .On("zfs hold zfsansible-replica-c7349e9fe4d95a35 tank/docs@s2")
            .On("zfs set zfsansible:replicated=backup-host:backup/h tank/docs@s2")
            .On(Unmark, exit: 1, stderr: "cannot inherit zfsansible:replicated for 'tank/docs@s1': permission denied");
        runner.Dynamic = c => IsRecord(c) ? string.Empty : null;
        var outcome = Run(runner, new RecordingPipe());
        Assert.StartsWith($"{Unmark} failed (exit 1): cannot inherit", outcome.Failure, StringComparison.Ordinal);
        Assert.Equal(Unmark, outcome.Commands[^2]);
        Assert.StartsWith("zfs set zfsansible:last_success=", outcome.Commands[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(runner.Ran, c => c.Arguments[0] == "release");
    }

    /// <summary>What a pipe answers when what its stream waits for failed: stopped, nothing moved.</summary>
    private static PipeResult NotReady(Command from, Command to) => new(new(from, -9, string.Empty, string.Empty), new(to, -9, string.Empty, string.Empty), 0, TimeSpan.Zero, Cancelled: true);

    /// <summary>A pipe that answers every transfer the same way, as a scripted runner answers commands, once it is ready.</summary>
    private sealed class FixedPipe(PipeResult result) : IPipeRunner
    {
        public PipeResult Run(Command from, Command to, long? bytesPerSecond, CancellationToken cancellation, Func<bool>? ready = null) =>
            ready?.Invoke() == false ? NotReady(from, to) : result;
    }

    /// <summary>A pipe that succeeds, once ready, and keeps the receiving command it was given; with a meeting, it attends it first.</summary>
    private sealed class RecordingPipe(Meeting? meeting = null) : IPipeRunner
    {
        public Command? To { get; private set; }

        public PipeResult Run(Command from, Command to, long? bytesPerSecond, CancellationToken cancellation, Func<bool>? ready = null)
        {
            To = to;
            if (ready?.Invoke() == false)
            {
                return NotReady(from, to);
            }

            return meeting is null || meeting.Attend()
                ? new PipeResult(Ok("send"), Ok("recv"), 10, TimeSpan.Zero, false)
                : new PipeResult(Ok("send"), new CommandResult(to, 98, string.Empty, "the transfer ran alone, not side by side"), 0, TimeSpan.Zero, false);
        }
    }

    /// <summary>Commands (or a transfer) that must run at the same time: each goes on only once all have started (10 s at most).</summary>
    private sealed class Meeting(int attendees) : IDisposable
    {
        private readonly Barrier _barrier = new(attendees);

        public bool Attend() => _barrier.SignalAndWait(TimeSpan.FromSeconds(10));

        public void Dispose() => _barrier.Dispose();
    }

    /// <summary>A runner whose commands attend their meeting before they run, and fail if they were left alone.</summary>
    private sealed class MeetingRunner(ICommandRunner inner, params (Meeting Meeting, Func<Command, bool> Matches)[] attendees) : ICommandRunner
    {
        public CommandResult Run(Command command) =>
            attendees.FirstOrDefault(a => a.Matches(command)).Meeting is not { } meeting || meeting.Attend()
                ? inner.Run(command)
                : new CommandResult(command, 98, string.Empty, $"ran alone, not side by side: {command}");
    }
}
