using System.Collections.Immutable;
using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Domain.Snapshots;

/// <summary>What one run may do: take due snapshots, prune expired ones, and at most this many destroys.</summary>
public sealed record SnapshotRunOptions(bool Take, bool Prune, int MaxDestroy)
{
    public static SnapshotRunOptions Default { get; } = new(Take: true, Prune: true, MaxDestroy: 100);
}

/// <summary>A snapshot to take.</summary>
public sealed record PlannedSnapshot(string Dataset, SnapshotName Name)
{
    public string FullName => $"{Dataset}@{Name}";
}

/// <summary>How well one (dataset, interval) meets its retention target, after the run.</summary>
/// <param name="Ratio">Retained / target, capped at 1 (docs/policies.md).</param>
/// <param name="NewestAge">Age of the newest snapshot of the interval; null when there is none.</param>
public sealed record Compliance(string Dataset, string Policy, Interval Interval, int Retained, int Target, double Ratio, TimeSpan? NewestAge);

public sealed record SnapshotPlan(ImmutableArray<PlannedSnapshot> Take, ImmutableArray<Snapshot> Destroy, ImmutableArray<Compliance> Compliance)
{
    public bool Changes => !Take.IsEmpty || !Destroy.IsEmpty;
}

/// <summary>
/// Plans a snapshot run from the managed datasets and their existing snapshots: pure, so every safety rule is
/// unit-tested here and again on real ZFS. The whole plan is made before anything runs; a plan that breaks a rule
/// is an error and nothing is done.
/// </summary>
public static class SnapshotPlanner
{
    /// <summary>A snapshot dated later than now plus this is taken as a clock that went backwards.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(1);

    public static Result<SnapshotPlan> Plan(
        DateTimeOffset now,
        IReadOnlyList<ManagedDataset> datasets,
        IReadOnlyDictionary<string, ImmutableArray<Snapshot>> snapshots,
        SnapshotRunOptions options)
    {
        var existing = datasets.ToDictionary(d => d.Name, d => snapshots.GetValueOrDefault(d.Name, []), StringComparer.Ordinal);
        if (FromTheFuture(now, existing.Values.SelectMany(s => s)) is { } future)
        {
            return Result<SnapshotPlan>.Fail(
                $"the clock looks wrong: {future.FullName} is dated {future.Time:u}, later than now ({now:u}); " +
                "nothing was snapshotted or destroyed. Fix the time (NTP) before snapshots are taken or pruned.");
        }

        var take = ImmutableArray.CreateBuilder<PlannedSnapshot>();
        var destroy = ImmutableArray.CreateBuilder<Snapshot>();
        var compliance = ImmutableArray.CreateBuilder<Compliance>();
        foreach (var dataset in datasets)
        {
            var own = existing[dataset.Name];
            // A replica receives its snapshots from its source: taking one here would break the next incremental pull.
            var taken = options.Take && !dataset.Replica ? Due(now, dataset, own) : [];
            take.AddRange(taken);

            // The new snapshots count towards retention, so the oldest one drops out in the same run.
            var after = own.AddRange(taken.Select((t, i) => new Snapshot(t.Dataset, t.Name.ToString(), long.MaxValue - taken.Length + i, now, 0, string.Empty)));
            var expired = options.Prune ? KeepRules.Expired(after, KeepRules.For(dataset)) : [];
            destroy.AddRange(expired);

            var gone = expired.ToHashSet(ReferenceEqualityComparer.Instance);
            var remaining = after.Where(s => !gone.Contains(s)).ToList();
            compliance.AddRange(dataset.Retention.Where(r => r.Value > 0).Select(r => Measure(now, dataset, r.Key, r.Value, remaining)));
        }

        if (destroy.Count > options.MaxDestroy)
        {
            return Result<SnapshotPlan>.Fail(
                $"this run would destroy {destroy.Count} snapshots, more than max_destroy ({options.MaxDestroy}); nothing was changed. " +
                $"Oldest: {string.Join(", ", destroy.Take(3).Select(s => s.FullName))}. If the policy change is intended, raise max_destroy for one run.");
        }

        return Result.Ok(new SnapshotPlan(take.ToImmutable(), destroy.ToImmutable(), compliance.ToImmutable()));
    }

    /// <summary>How each managed dataset meets its retention targets now, planning nothing (what zfs-api reports).</summary>
    public static ImmutableArray<Compliance> ComplianceOf(DateTimeOffset now, IReadOnlyList<ManagedDataset> datasets, IReadOnlyDictionary<string, ImmutableArray<Snapshot>> snapshots) =>
    [
        .. datasets.SelectMany(d => d.Retention.Where(r => r.Value > 0)
            .Select(r => Measure(now, d, r.Key, r.Value, snapshots.GetValueOrDefault(d.Name, [])))),
    ];

    private static Snapshot? FromTheFuture(DateTimeOffset now, IEnumerable<Snapshot> snapshots) =>
        snapshots.Where(s => s.Own is not null && (s.Own.Time > now + ClockTolerance || s.Creation > now + ClockTolerance))
            .MaxBy(s => s.Time);

    private static ImmutableArray<PlannedSnapshot> Due(DateTimeOffset now, ManagedDataset dataset, ImmutableArray<Snapshot> own) =>
    [
        .. dataset.Retention.Where(r => r.Value > 0)
            .Where(r => IntervalCalendar.IsDue(r.Key, now, Newest(own, r.Key)?.Time))
            .Select(r => new PlannedSnapshot(dataset.Name, SnapshotName.At(now, r.Key))),
    ];

    private static Compliance Measure(DateTimeOffset now, ManagedDataset dataset, Interval interval, int target, IReadOnlyList<Snapshot> remaining)
    {
        var retained = remaining.Count(s => s.Own?.Interval == interval);
        var newest = Newest(remaining, interval);
        return new Compliance(dataset.Name, dataset.Policy, interval, retained, target, Math.Min(1.0, (double)retained / target),
            newest is null ? null : now - newest.Time);
    }

    private static Snapshot? Newest(IEnumerable<Snapshot> snapshots, Interval interval) =>
        snapshots.Where(s => s.Own?.Interval == interval).MaxBy(s => s.Own!.Time);
}
