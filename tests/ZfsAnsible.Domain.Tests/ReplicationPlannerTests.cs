using System.Collections.Immutable;
using ZfsAnsible.Domain.Replication;

namespace ZfsAnsible.Domain.Tests;

public class ReplicationPlannerTests
{
    private static readonly ReplicaSnapshot A = new("a", 11, 100);
    private static readonly ReplicaSnapshot B = new("b", 22, 200);
    private static readonly ReplicaSnapshot C = new("c", 33, 300);

    private static Result<ReplicationStep> Next(ImmutableArray<ReplicaSnapshot> source, TargetState target, bool resume = true) =>
        ReplicationPlanner.Next("tank/docs", "backup/tank/docs", source, target, resume);

    private static TargetState Target(params ReplicaSnapshot[] snapshots) => new(true, [.. snapshots], null);

    [Fact]
    public void A_missing_target_gets_the_oldest_snapshot_in_full() =>
        Assert.Equal(new FullSend(A), Next([C, A, B], TargetState.Absent).Value);

    [Fact]
    public void The_base_is_the_newest_common_snapshot_by_guid_whatever_its_name() =>
        // The target's copy of B was renamed; its GUID still says it is B.
        Assert.Equal(new IncrementalSend(B, C), Next([A, B, C], Target(A with { CreateTxg = 5 }, new ReplicaSnapshot("renamed", 22, 9))).Value);

    [Fact]
    public void Same_newest_is_up_to_date_and_no_snapshot_is_nothing_to_send()
    {
        Assert.Equal(new UpToDate(C), Next([A, B, C], Target(A, B, C)).Value);
        Assert.IsType<NothingToSend>(Next([], TargetState.Absent).Value);
    }

    [Fact]
    public void A_target_sharing_nothing_with_the_source_is_refused_not_overwritten()
    {
        var result = Next([A, B], Target(new ReplicaSnapshot("theirs", 99, 1)));
        Assert.False(result.IsOk);
        Assert.StartsWith("backup/tank/docs exists but shares no snapshot with tank/docs", result.Error!.Message);
        Assert.False(Next([A], Target()).IsOk); // an empty dataset someone made is not ours either
    }

    [Fact]
    public void Target_only_snapshots_after_the_base_are_refused_because_receiving_would_destroy_them()
    {
        var result = Next([A, B, C], Target(A, new ReplicaSnapshot("local-1", 77, 150)));
        Assert.False(result.IsOk);
        Assert.Contains("(local-1)", result.Error!.Message);
        // Before the base they are harmless.
        Assert.Equal(new IncrementalSend(B, C), Next([A, B, C], Target(new ReplicaSnapshot("old-local", 78, 50), A with { CreateTxg = 60 }, B with { CreateTxg = 70 })).Value);
    }

    [Fact]
    public void An_interrupted_receive_resumes_or_is_reported()
    {
        var interrupted = new TargetState(true, [A], "1-abc-def");
        Assert.Equal(new ResumeSend("1-abc-def"), Next([A, B], interrupted).Value);
        Assert.Contains("zfs recv -A backup/tank/docs", Next([A, B], interrupted, resume: false).Error!.Message);
    }

    [Fact]
    public void Targets_keep_the_source_name_below_the_root() =>
        Assert.Equal("slowpool/backups/raw/host-storage/tank/docs", ReplicationPlanner.TargetFor("slowpool/backups/raw/host-storage/", "tank/docs"));

    private static readonly ReplicationOptions Options = new("backup-host:backup", Hold: true, Resume: true);

    private static readonly string Tag = ReplicationMark.HoldTag("backup-host:backup");

    private static ImmutableArray<MarkedSnapshot> Marked(params ReplicaSnapshot[] snapshots) => [.. snapshots.Select(s => new MarkedSnapshot(s, string.Empty))];

    private static DatasetPlan Plan(ImmutableArray<MarkedSnapshot> source, TargetState target, ReplicationOptions? options = null) =>
        ReplicationPlanner.Plan("tank/docs", "backup/tank/docs", source, target, options ?? Options);

    [Fact]
    public void A_first_pull_plans_every_command_in_the_order_it_runs()
    {
        var plan = Plan(Marked(A, B, C), TargetState.Absent);
        Assert.Null(plan.Refusal);
        Assert.Equal(
            [
                new CreateParents("backup/tank"),
                new Transfer("tank/docs", "backup/tank/docs", new FullSend(A)),
                new HoldBase("tank/docs@a", Tag),
                new SetMarks("tank/docs@a", ["backup-host:backup"]),
                new Protect("backup/tank/docs"),
                new Transfer("tank/docs", "backup/tank/docs", new IncrementalSend(A, C)),
                new HoldBase("tank/docs@c", Tag),
                new SetMarks("tank/docs@c", ["backup-host:backup"]),
                new SetMarks("tank/docs@a", []),
                new ReleaseBase("tank/docs@a", Tag),
                new RecordSuccess("backup/tank/docs"),
            ],
            plan.Actions);
        Assert.Equal("full+incremental", plan.Action);
        Assert.Equal("c", plan.Newest);
    }

    [Fact]
    public void A_receive_is_prepared_in_its_transfers_lane_a_delivered_snapshot_is_held_while_it_travels_and_the_source_and_the_target_finish_side_by_side()
    {
        var stages = Plan(Marked(A, B, C), TargetState.Absent).Stages();
        Assert.Equal(
            [
                new Stage([
                    [new CreateParents("backup/tank"), new Transfer("tank/docs", "backup/tank/docs", new FullSend(A))],
                    [new HoldBase("tank/docs@a", Tag), new SetMarks("tank/docs@a", ["backup-host:backup"])],
                ]),
                new Stage([
                    [new Protect("backup/tank/docs"), new Transfer("tank/docs", "backup/tank/docs", new IncrementalSend(A, C))],
                    [new HoldBase("tank/docs@c", Tag), new SetMarks("tank/docs@c", ["backup-host:backup"])],
                ]),
                new Stage([
                    [new SetMarks("tank/docs@a", []), new ReleaseBase("tank/docs@a", Tag)],
                    [new RecordSuccess("backup/tank/docs")],
                ]),
            ],
            stages);

        // The old base is let go only in a stage after the one that held the new base and received it.
        var resumed = Plan(
            ImmutableArray.Create(new MarkedSnapshot(A, "backup-host:backup"), new MarkedSnapshot(B, string.Empty), new MarkedSnapshot(C, string.Empty)),
            new TargetState(true, [A], "1-abc", Protected: true, ResumeToGuid: B.Guid)).Stages();
        Assert.Equal(
            [
                new Stage([
                    [new Transfer("tank/docs", "backup/tank/docs", new ResumeSend("1-abc"))],
                    [new HoldBase("tank/docs@b", Tag), new SetMarks("tank/docs@b", ["backup-host:backup"])],
                ]),
                new Stage([[new SetMarks("tank/docs@a", [])]]),
                new Stage([[new ReleaseBase("tank/docs@a", Tag)]]),
                new Stage([
                    [new Transfer("tank/docs", "backup/tank/docs", new IncrementalSend(B, C))],
                    [new HoldBase("tank/docs@c", Tag), new SetMarks("tank/docs@c", ["backup-host:backup"])],
                ]),
                new Stage([
                    [new SetMarks("tank/docs@b", []), new ReleaseBase("tank/docs@b", Tag)],
                    [new RecordSuccess("backup/tank/docs")],
                ]),
            ],
            resumed);

        // A base moved without a transfer is held alone first, then marked with the rest.
        Assert.Equal(
            [
                new Stage([[new HoldBase("tank/docs@b", Tag)]]),
                new Stage([[new SetMarks("tank/docs@b", ["backup-host:backup"]), new SetMarks("tank/docs@a", []), new ReleaseBase("tank/docs@a", Tag)]]),
            ],
            Plan(ImmutableArray.Create(new MarkedSnapshot(A, "backup-host:backup"), new MarkedSnapshot(B, string.Empty)), Target(A, B)).Stages());

        // Without holds, the parents still lead the transfer, and the target is protected and its success recorded
        // once the last transfer is done, in that order; a plan without writes has no stage.
        Assert.Equal(
            [
                new Stage([[new CreateParents("backup/tank"), new Transfer("tank/docs", "backup/tank/docs", new FullSend(A))]]),
                new Stage([[new Protect("backup/tank/docs"), new RecordSuccess("backup/tank/docs")]]),
            ],
            Plan(Marked(A), TargetState.Absent, Options with { Hold = false }).Stages());
        Assert.Empty(Plan([new MarkedSnapshot(A, "backup-host:backup")], Target(A)).Stages());
    }

    [Fact]
    public void A_snapshot_held_and_marked_for_a_transfer_that_failed_stays_so_while_the_next_run_sends_it_and_the_old_base_goes_after()
    {
        // @a is the target's base; @c was held and marked while its transfer ran, and that transfer failed.
        var plan = Plan(ImmutableArray.Create(new MarkedSnapshot(A, "backup-host:backup"), new MarkedSnapshot(B, string.Empty), new MarkedSnapshot(C, "backup-host:backup")), Target(A));
        Assert.Equal(
            [
                new Transfer("tank/docs", "backup/tank/docs", new IncrementalSend(A, C)),
                new SetMarks("tank/docs@a", []),
                new ReleaseBase("tank/docs@a", Tag),
                new RecordSuccess("backup/tank/docs"),
            ],
            plan.Actions);

        // A mark for this target on a snapshot the next transfer does not deliver is let go before anything is sent.
        var older = Plan(ImmutableArray.Create(new MarkedSnapshot(A, "backup-host:backup"), new MarkedSnapshot(B, "backup-host:backup"), new MarkedSnapshot(C, string.Empty)), Target(A, B));
        Assert.Equal(
            [
                new SetMarks("tank/docs@a", []),
                new ReleaseBase("tank/docs@a", Tag),
                new Transfer("tank/docs", "backup/tank/docs", new IncrementalSend(B, C)),
                new HoldBase("tank/docs@c", Tag),
                new SetMarks("tank/docs@c", ["backup-host:backup"]),
                new SetMarks("tank/docs@b", []),
                new ReleaseBase("tank/docs@b", Tag),
                new RecordSuccess("backup/tank/docs"),
            ],
            older.Actions);

        // A first full send that failed left its snapshot held and marked: the next one finds it so and keeps it.
        Assert.Equal(
            [new CreateParents("backup/tank"), new Transfer("tank/docs", "backup/tank/docs", new FullSend(A)), new Protect("backup/tank/docs"), new RecordSuccess("backup/tank/docs")],
            Plan([new MarkedSnapshot(A, "backup-host:backup")], TargetState.Absent).Actions);
    }

    [Fact]
    public void Refused_targets_get_no_action_at_all()
    {
        // Someone else's dataset, writable and mounted: not even readonly is set on it.
        var foreign = Plan(Marked(A, B), new TargetState(true, [new ReplicaSnapshot("theirs", 99, 1)], null, Protected: false));
        Assert.Empty(foreign.Actions);
        Assert.StartsWith("backup/tank/docs exists but shares no snapshot", foreign.Refusal, StringComparison.Ordinal);

        var diverged = Plan(Marked(A, B), new TargetState(true, [A, new ReplicaSnapshot("local", 77, 150)], null, Protected: false));
        Assert.Empty(diverged.Actions);
        Assert.Equal("refused", diverged.Action);
    }

    [Fact]
    public void A_snapshot_name_that_would_be_too_long_on_the_target_is_refused()
    {
        var plan = Plan(Marked(A, new ReplicaSnapshot(new string('s', 250), 44, 400)), TargetState.Absent);
        Assert.Empty(plan.Actions);
        Assert.Contains("ZFS allows 255", plan.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resume_is_followed_by_the_rest_from_the_snapshot_it_delivers()
    {
        var interrupted = new TargetState(true, [A], "1-abc", Protected: true, ResumeToGuid: B.Guid);
        var marked = ImmutableArray.Create(new MarkedSnapshot(A, "backup-host:backup"), new MarkedSnapshot(B, string.Empty), new MarkedSnapshot(C, string.Empty));
        var plan = Plan(marked, interrupted);
        Assert.Equal(
            [
                new Transfer("tank/docs", "backup/tank/docs", new ResumeSend("1-abc")),
                new HoldBase("tank/docs@b", Tag),
                new SetMarks("tank/docs@b", ["backup-host:backup"]),
                new SetMarks("tank/docs@a", []),
                new ReleaseBase("tank/docs@a", Tag),
                new Transfer("tank/docs", "backup/tank/docs", new IncrementalSend(B, C)),
                new HoldBase("tank/docs@c", Tag),
                new SetMarks("tank/docs@c", ["backup-host:backup"]),
                new SetMarks("tank/docs@b", []),
                new ReleaseBase("tank/docs@b", Tag),
                new RecordSuccess("backup/tank/docs"),
            ],
            plan.Actions);
        Assert.Equal("resumed+incremental", plan.Action);
    }

    [Fact]
    public void A_token_for_a_snapshot_the_source_lost_or_that_cannot_be_read_is_refused()
    {
        Assert.Contains("no longer has", Plan(Marked(A), new TargetState(true, [], "1-abc", ResumeToGuid: 999)).Refusal, StringComparison.Ordinal);
        Assert.Contains("could not be read", Plan(Marked(A), new TargetState(true, [], "1-abc")).Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void An_up_to_date_replica_only_gets_back_its_protection_and_other_targets_keep_their_marks()
    {
        var marked = ImmutableArray.Create(new MarkedSnapshot(A, "offsite:pool"), new MarkedSnapshot(B, "backup-host:backup,offsite:pool"));
        var plan = Plan(marked, new TargetState(true, [A, B], null, Protected: false));
        Assert.Equal([new Protect("backup/tank/docs")], plan.Actions);
        Assert.Equal("up_to_date", plan.Action);

        var moved = Plan(ImmutableArray.Create(new MarkedSnapshot(A, "backup-host:backup,offsite:pool"), new MarkedSnapshot(B, string.Empty)), new TargetState(true, [A, B], null));
        Assert.Equal(
            [
                new HoldBase("tank/docs@b", Tag),
                new SetMarks("tank/docs@b", ["backup-host:backup"]),
                new SetMarks("tank/docs@a", ["offsite:pool"]),
                new ReleaseBase("tank/docs@a", Tag),
            ],
            moved.Actions);
    }

    [Fact]
    public void Where_the_receive_sets_properties_a_new_replica_lands_protected_with_no_step_of_its_own()
    {
        var plan = Plan(Marked(A, C), TargetState.Absent, Options with { ProtectOnReceive = true });
        Assert.Equal(
            [
                new CreateParents("backup/tank"),
                new Transfer("tank/docs", "backup/tank/docs", new FullSend(A), Protects: true),
                new HoldBase("tank/docs@a", Tag),
                new SetMarks("tank/docs@a", ["backup-host:backup"]),
                new Transfer("tank/docs", "backup/tank/docs", new IncrementalSend(A, C)),
                new HoldBase("tank/docs@c", Tag),
                new SetMarks("tank/docs@c", ["backup-host:backup"]),
                new SetMarks("tank/docs@a", []),
                new ReleaseBase("tank/docs@a", Tag),
                new RecordSuccess("backup/tank/docs"),
            ],
            plan.Actions);

        // A replica someone made writable is still protected by its own step: only a full receive sets properties.
        var unprotected = Plan(Marked(A, C), new TargetState(true, [A], null, Protected: false));
        Assert.Contains(new Protect("backup/tank/docs"), unprotected.Actions);
        Assert.Equal(unprotected.Actions, Plan(Marked(A, C), new TargetState(true, [A], null, Protected: false), Options with { ProtectOnReceive = true }).Actions);
    }

    [Fact]
    public void Without_holds_nothing_is_held_or_marked()
    {
        var plan = ReplicationPlanner.Plan("tank/docs", "backup/tank/docs", Marked(A), TargetState.Absent, Options with { Hold = false });
        Assert.Equal([new CreateParents("backup/tank"), new Transfer("tank/docs", "backup/tank/docs", new FullSend(A)), new Protect("backup/tank/docs"), new RecordSuccess("backup/tank/docs")], plan.Actions);
    }

    [Fact]
    public void A_replica_is_labelled_once_up_to_date_and_not_again()
    {
        var label = new ReplicaLabel("critical", "hourly=48,monthly=24");
        var first = ReplicationPlanner.Plan("tank/docs", "backup/tank/docs", Marked(A, B), TargetState.Absent, Options, label);
        var labelled = Assert.Single(first.Actions.OfType<LabelReplica>());
        Assert.Equal(new LabelReplica("backup/tank/docs", label), labelled);
        Assert.IsType<RecordSuccess>(first.Actions[^1]);

        var again = ReplicationPlanner.Plan("tank/docs", "backup/tank/docs", Marked(A, B), Target(A, B) with { Label = label }, Options, label);
        Assert.DoesNotContain(again.Actions, a => a is LabelReplica);

        // The backup's retention changed (an override): only the label is written.
        var relabel = ReplicationPlanner.Plan("tank/docs", "backup/tank/docs", Marked(A, B), Target(A, B) with { Label = label }, Options with { Hold = false }, label with { Retention = "hourly=48" });
        Assert.Equal([new LabelReplica("backup/tank/docs", label with { Retention = "hourly=48" })], relabel.Actions);
    }

    [Fact]
    public void An_absent_target_whose_parent_is_there_when_it_is_received_creates_no_parents()
    {
        Assert.IsType<CreateParents>(Plan(Marked(A), TargetState.Absent).Actions[0]);
        var plan = Plan(Marked(A), TargetState.Absent with { ParentExists = true });
        Assert.DoesNotContain(plan.Actions, a => a is CreateParents);
        Assert.IsType<Transfer>(plan.Actions[0]);
    }

    [Fact]
    public void Where_the_receive_sets_properties_a_new_replica_lands_labelled_and_only_a_changed_label_is_set_later()
    {
        var label = new ReplicaLabel("critical", "hourly=48,monthly=24");
        var first = ReplicationPlanner.Plan("tank/docs", "backup/tank/docs", Marked(A, B), TargetState.Absent, Options with { ProtectOnReceive = true }, label);
        Assert.Equal(new Transfer("tank/docs", "backup/tank/docs", new FullSend(A), Protects: true, Label: label), first.Actions.OfType<Transfer>().First());
        Assert.DoesNotContain(first.Actions, a => a is LabelReplica);
        Assert.IsType<RecordSuccess>(first.Actions[^1]);

        // Only a full receive sets properties: an incremental carries no label, and a relabel is its own step.
        var relabel = ReplicationPlanner.Plan("tank/docs", "backup/tank/docs", Marked(A, B), Target(A) with { Label = label }, Options with { ProtectOnReceive = true },
            label with { Retention = "hourly=48" });
        Assert.Null(relabel.Transfers.Single().Label);
        Assert.Contains(new LabelReplica("backup/tank/docs", label with { Retention = "hourly=48" }), relabel.Actions);
    }
}
