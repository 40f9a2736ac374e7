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
}
