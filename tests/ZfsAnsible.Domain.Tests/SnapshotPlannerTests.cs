using System.Collections.Immutable;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Domain.Replication;
using ZfsAnsible.Domain.Snapshots;

namespace ZfsAnsible.Domain.Tests;

public class SnapshotNameTests
{
    [Fact]
    public void A_name_round_trips_and_sorts_by_time()
    {
        var name = SnapshotName.At(new DateTimeOffset(2026, 11, 26, 8, 0, 5, 123, TimeSpan.Zero), Interval.Hourly);
        Assert.Equal("zfsansible_2026-11-26T08:00:05Z_hourly", name.ToString());
        Assert.Equal(name, SnapshotName.TryParse(name.ToString()));
        Assert.True(string.CompareOrdinal("zfsansible_2026-11-26T08:00:05Z_hourly", "zfsansible_2026-11-26T09:00:05Z_hourly") < 0);
    }

    [Theory]
    [InlineData("autosnap_2026-11-26_08:00:00_hourly")]
    [InlineData("zfsansible_2026-11-26T08:00:00Z_hour")]
    [InlineData("zfsansible_2026-13-26T08:00:00Z_hourly")]
    [InlineData("zfsansible_yesterday_hourly")]
    [InlineData("zfsansible_2026-11-26T08:00:00Z")]
    [InlineData("my-zfsansible_2026-11-26T08:00:00Z_hourly")]
    [InlineData("zfsansible_2026-11-26T08:00:00+01:00_hourly")]
    public void Names_it_did_not_make_are_not_its_own(string name) => Assert.Null(SnapshotName.TryParse(name));
}

public class IntervalCalendarTests
{
    private static DateTimeOffset At(string time) => DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(Interval.Frequently, "2026-11-26T08:44:59Z", "2026-11-26T08:30:00Z")]
    [InlineData(Interval.Hourly, "2026-11-26T08:44:59Z", "2026-11-26T08:00:00Z")]
    [InlineData(Interval.Daily, "2026-11-26T08:44:59Z", "2026-11-26T00:00:00Z")]
    [InlineData(Interval.Weekly, "2026-11-26T08:44:59Z", "2026-11-23T00:00:00Z")] // a Thursday: the Monday before
    [InlineData(Interval.Weekly, "2026-11-23T00:00:00Z", "2026-11-23T00:00:00Z")]
    [InlineData(Interval.Weekly, "2026-11-29T23:59:59Z", "2026-11-23T00:00:00Z")] // Sunday ends the ISO week
    [InlineData(Interval.Monthly, "2026-11-26T08:44:59Z", "2026-11-01T00:00:00Z")]
    [InlineData(Interval.Yearly, "2026-11-26T08:44:59Z", "2026-01-01T00:00:00Z")]
    public void Periods_start_on_calendar_boundaries_in_utc(Interval interval, string time, string start) =>
        Assert.Equal(At(start), IntervalCalendar.PeriodStart(interval, At(time)));

    [Fact]
    public void Due_once_per_period()
    {
        var now = At("2026-11-26T08:44:59Z");
        Assert.True(IntervalCalendar.IsDue(Interval.Hourly, now, null));
        Assert.True(IntervalCalendar.IsDue(Interval.Hourly, now, At("2026-11-26T07:59:59Z")));
        Assert.False(IntervalCalendar.IsDue(Interval.Hourly, now, At("2026-11-26T08:00:00Z")));
    }
}

public class ManagedDatasetsTests
{
    private static Dictionary<string, ImmutableDictionary<string, ObservedProperty>> Tree() => new(StringComparer.Ordinal)
    {
        ["tank"] = Props(("-", PropertySource.None), ("-", PropertySource.None), ("-", PropertySource.None)),
        ["tank/docker"] = Props(("standard", PropertySource.Local), ("hourly=24,daily=14", PropertySource.Local), ("on", PropertySource.Local)),
        ["tank/docker/vol1"] = Props(("standard", PropertySource.InheritedFrom("tank/docker")), ("hourly=24,daily=14", PropertySource.InheritedFrom("tank/docker")), ("on", PropertySource.InheritedFrom("tank/docker"))),
        ["tank/docs"] = Props(("critical", PropertySource.Local), ("hourly=48", PropertySource.Local), ("off", PropertySource.Local)),
        ["tank/docs/later"] = Props(("critical", PropertySource.InheritedFrom("tank/docs")), ("hourly=48", PropertySource.InheritedFrom("tank/docs")), ("off", PropertySource.InheritedFrom("tank/docs"))),
        ["tank/misc"] = Props(("unmanaged", PropertySource.Local), ("none", PropertySource.Local), ("off", PropertySource.Local)),
    };

    private static ImmutableDictionary<string, ObservedProperty> Props((string, PropertySource) policy, (string, PropertySource) retention, (string, PropertySource) discover) =>
        ImmutableDictionary.CreateRange(StringComparer.Ordinal,
        [
            KeyValuePair.Create("zfsansible:policy", new ObservedProperty(policy.Item1, policy.Item2)),
            KeyValuePair.Create("zfsansible:retention", new ObservedProperty(retention.Item1, retention.Item2)),
            KeyValuePair.Create("zfsansible:discover_children", new ObservedProperty(discover.Item1, discover.Item2)),
        ]);

    [Fact]
    public void Configured_datasets_and_discovered_children_are_managed_nothing_else()
    {
        var managed = ManagedDatasets.FromProperties(Tree()).Value;
        Assert.Equal(["tank/docker", "tank/docker/vol1", "tank/docs"], managed.Select(m => m.Name));
        Assert.Equal("tank/docker", managed[1].From);
        Assert.Equal(24, managed[1].RetentionFor(Interval.Hourly));
        Assert.Equal(0, managed[1].RetentionFor(Interval.Weekly));
    }

    [Fact]
    public void An_unreadable_retention_is_an_error_naming_the_dataset()
    {
        var tree = Tree();
        tree["tank/docs"] = Props(("critical", PropertySource.Local), ("hourly=lots", PropertySource.Local), ("off", PropertySource.Local));
        var result = ManagedDatasets.FromProperties(tree);
        Assert.False(result.IsOk);
        Assert.StartsWith("tank/docs: cannot read zfsansible:retention 'hourly=lots'", result.Error!.Message);
    }

    [Theory]
    [InlineData("none", 0)]
    [InlineData("hourly=24,daily=14", 2)]
    [InlineData("hourly=24,hourly=2", -1)]
    [InlineData("hourly", -1)]
    [InlineData("hourly=-1", -1)]
    [InlineData("", -1)]
    public void Retention_text(string text, int intervals) =>
        Assert.Equal(intervals, RetentionText.Parse(text)?.Count ?? -1);

    [Fact]
    public void A_replica_is_managed_by_the_label_its_pull_set_locally_and_an_inherited_label_is_not_one()
    {
        var tree = new Dictionary<string, ImmutableDictionary<string, ObservedProperty>>(StringComparer.Ordinal)
        {
            ["slowpool/raw/h/tank/docs"] = ImmutableDictionary.CreateRange(
            [
                KeyValuePair.Create("zfsansible:replica_policy", new ObservedProperty("critical", PropertySource.Local)),
                KeyValuePair.Create("zfsansible:replica_retention", new ObservedProperty("hourly=48,monthly=24", PropertySource.Local)),
            ]),
            ["slowpool/raw/h/tank/docs/child"] = ImmutableDictionary.CreateRange(
            [
                KeyValuePair.Create("zfsansible:replica_retention", new ObservedProperty("hourly=48,monthly=24", PropertySource.InheritedFrom("slowpool/raw/h/tank/docs"))),
            ]),
        };
        var managed = Assert.Single(ManagedDatasets.FromProperties(tree).Value);
        Assert.Equal(new ManagedDataset("slowpool/raw/h/tank/docs", "critical",
            ImmutableSortedDictionary.CreateRange([KeyValuePair.Create(Interval.Hourly, 48), KeyValuePair.Create(Interval.Monthly, 24)]), "slowpool/raw/h/tank/docs", Replica: true), managed);

        tree["slowpool/raw/h/tank/docs"] = tree["slowpool/raw/h/tank/docs"].SetItem("zfsansible:replica_retention", new ObservedProperty("forever", PropertySource.Local));
        Assert.Contains("cannot read zfsansible:replica_retention 'forever'", ManagedDatasets.FromProperties(tree).Error!.Message, StringComparison.Ordinal);
    }
}

public class SnapshotPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 30, 0, TimeSpan.Zero);

    private static readonly ManagedDataset Docs = new("tank/docs", "standard",
        ImmutableSortedDictionary.CreateRange([KeyValuePair.Create(Interval.Hourly, 3), KeyValuePair.Create(Interval.Daily, 1)]), "tank/docs");

    private static long _txg;

    private static Snapshot Own(Interval interval, TimeSpan ago, int holds = 0, string mark = "") =>
        new("tank/docs", SnapshotName.At(Now - ago, interval).ToString(), Interlocked.Increment(ref _txg), Now - ago, holds, mark);

    private static Snapshot Foreign(string name) => new("tank/docs", name, Interlocked.Increment(ref _txg), Now - TimeSpan.FromDays(400), 0, string.Empty);

    private static Result<SnapshotPlan> Plan(IEnumerable<Snapshot> snapshots, SnapshotRunOptions? options = null, ManagedDataset? dataset = null) =>
        SnapshotPlanner.Plan(Now, [dataset ?? Docs], new Dictionary<string, ImmutableArray<Snapshot>> { ["tank/docs"] = [.. snapshots.OrderBy(s => s.CreateTxg)] }, options ?? SnapshotRunOptions.Default);

    private static List<Snapshot> Hourlies(int count) => [.. Enumerable.Range(1, count).Reverse().Select(h => Own(Interval.Hourly, TimeSpan.FromHours(h)))];

    [Fact]
    public void Takes_what_is_due_and_destroys_what_falls_out_of_retention()
    {
        var hourlies = Hourlies(5);
        var daily = Own(Interval.Daily, TimeSpan.FromHours(2));
        var plan = Plan([.. hourlies, daily]).Value;

        Assert.Equal(["tank/docs@zfsansible_2026-11-26T08:30:00Z_hourly"], plan.Take.Select(t => t.FullName));
        // Three hourlies are kept: the new one and the two newest existing ones.
        Assert.Equal(hourlies.Take(3), plan.Destroy);
        Assert.All(plan.Compliance, c => Assert.Equal(1.0, c.Ratio));
        Assert.Equal(TimeSpan.Zero, plan.Compliance.Single(c => c.Interval == Interval.Hourly).NewestAge);
        Assert.Equal(TimeSpan.FromHours(2), plan.Compliance.Single(c => c.Interval == Interval.Daily).NewestAge);
    }

    [Fact]
    public void A_second_run_in_the_same_period_does_nothing()
    {
        var plan = Plan([Own(Interval.Hourly, TimeSpan.FromMinutes(20)), Own(Interval.Daily, TimeSpan.FromHours(8))]).Value;
        Assert.False(plan.Changes);
        Assert.Equal(1.0 / 3, plan.Compliance.Single(c => c.Interval == Interval.Hourly).Ratio, 6);
    }

    [Fact]
    public void Snapshots_it_did_not_make_are_never_destroyed()
    {
        var foreign = new[] { Foreign("manual-before-upgrade"), Foreign("autosnap_2025-01-01_00:00:00_hourly"), Foreign("zfsansible_not-a-time_hourly") };
        var plan = Plan([.. foreign, .. Hourlies(6)], dataset: Docs with { Retention = ImmutableSortedDictionary<Interval, int>.Empty }).Value;
        Assert.Equal(6, plan.Destroy.Length);
        Assert.DoesNotContain(plan.Destroy, foreign.Contains);
    }

    [Fact]
    public void A_held_snapshot_is_never_destroyed()
    {
        var hourlies = Hourlies(6);
        hourlies[0] = hourlies[0] with { UserRefs = 1 };
        var plan = Plan(hourlies).Value;
        Assert.DoesNotContain(hourlies[0], plan.Destroy);
        Assert.Equal(hourlies.Skip(1).Take(3), plan.Destroy);
    }

    [Fact]
    public void Every_snapshot_marked_for_a_target_is_kept_for_after_a_failed_transfer_the_older_one_is_its_real_base()
    {
        var hourlies = Hourlies(8);
        hourlies[1] = hourlies[1] with { Replicated = "belinda:slowpool/backups" };
        hourlies[2] = hourlies[2] with { Replicated = "belinda:slowpool/backups" };
        var plan = Plan(hourlies).Value;
        Assert.DoesNotContain(hourlies[2], plan.Destroy);
        Assert.DoesNotContain(hourlies[1], plan.Destroy);
        Assert.Contains(hourlies[0], plan.Destroy);
    }

    [Fact]
    public void Each_target_keeps_its_own_base()
    {
        // The backup server is up to date; the offsite target is two snapshots behind.
        var hourlies = Hourlies(8);
        hourlies[2] = hourlies[2] with { Replicated = "host-albion:offsite/belinda" };
        hourlies[4] = hourlies[4] with { Replicated = "belinda:slowpool/backups" };
        var plan = Plan(hourlies).Value;
        Assert.DoesNotContain(hourlies[2], plan.Destroy);
        Assert.DoesNotContain(hourlies[4], plan.Destroy);
        Assert.Contains(hourlies[0], plan.Destroy);
    }

    [Fact]
    public void A_snapshot_from_the_future_stops_everything()
    {
        var future = Own(Interval.Hourly, TimeSpan.FromHours(-3));
        var result = Plan([.. Hourlies(10), future]);
        Assert.False(result.IsOk);
        Assert.StartsWith("the clock looks wrong: tank/docs@zfsansible_2026-11-26T11:30:00Z_hourly is dated 2026-11-26 11:30:00Z", result.Error!.Message);
        Assert.Contains("nothing was snapshotted or destroyed", result.Error.Message);
    }

    [Fact]
    public void A_creation_time_in_the_future_also_stops_everything()
    {
        var odd = Own(Interval.Hourly, TimeSpan.FromHours(5)) with { Creation = Now + TimeSpan.FromDays(1) };
        Assert.False(Plan([odd]).IsOk);
    }

    [Fact]
    public void More_destroys_than_the_cap_is_refused_as_a_whole()
    {
        var result = Plan(Hourlies(30), SnapshotRunOptions.Default with { MaxDestroy = 10 });
        Assert.False(result.IsOk);
        Assert.StartsWith("this run would destroy 28 snapshots, more than max_destroy (10); nothing was changed.", result.Error!.Message);
        Assert.True(Plan(Hourlies(30), SnapshotRunOptions.Default with { MaxDestroy = 28 }).IsOk);
    }

    [Fact]
    public void Take_and_prune_can_each_be_switched_off()
    {
        var hourlies = Hourlies(6);
        var noPrune = Plan(hourlies, SnapshotRunOptions.Default with { Prune = false }).Value;
        Assert.Empty(noPrune.Destroy);
        Assert.Equal(2, noPrune.Take.Length);

        var noTake = Plan(hourlies, SnapshotRunOptions.Default with { Take = false }).Value;
        Assert.Empty(noTake.Take);
        Assert.Equal(hourlies.Take(3), noTake.Destroy);
    }

    [Fact]
    public void Prune_keeps_a_snapshot_while_any_rule_keeps_it()
    {
        // Every rule alone: a snapshot that is foreign, held and marked at once survives a retention of zero.
        var hourlies = Hourlies(3);
        var rules = KeepRules.For(Docs with { Retention = ImmutableSortedDictionary<Interval, int>.Empty });
        Assert.Equal(hourlies, KeepRules.Expired(hourlies, rules));
        var held = hourlies[0] with { UserRefs = 2 };
        Assert.DoesNotContain(held, KeepRules.Expired([held, .. hourlies[1..]], rules));
    }

    [Fact]
    public void A_replica_is_pruned_by_its_retention_but_never_snapshotted_and_keeps_its_newest()
    {
        var replica = Docs with { Replica = true };
        // Hourly 3 kept; the newest (a daily the source took after them) stays whatever the retention says.
        var hourlies = Hourlies(6);
        var pushBase = Own(Interval.Hourly, TimeSpan.FromHours(30), mark: "belinda:offsite/belinda");
        var newest = Own(Interval.Weekly, TimeSpan.FromMinutes(50));
        var plan = Plan([pushBase, .. hourlies, newest], dataset: replica with { Retention = ImmutableSortedDictionary.CreateRange([KeyValuePair.Create(Interval.Hourly, 3)]) }).Value;
        Assert.Empty(plan.Take);
        Assert.Equal(hourlies.Take(3).Select(h => h.Name), plan.Destroy.Select(d => d.Name));
        Assert.DoesNotContain(plan.Destroy, d => d == newest || d == pushBase);

        // Retention "none": still only the base of the next pull and the offsite base survive.
        var none = Plan([pushBase, .. hourlies, newest], dataset: replica with { Retention = ImmutableSortedDictionary<Interval, int>.Empty }).Value;
        Assert.Empty(none.Take);
        Assert.Equal(hourlies.Select(h => h.Name), none.Destroy.Select(d => d.Name));
    }
}

public class ReplicaLabelTests
{
    [Theory]
    [InlineData(null, "hourly=24")]
    [InlineData("-", "hourly=24")]
    [InlineData("unmanaged", "none")]
    [InlineData("standard", "-")]
    [InlineData("standard", "hourly=lots")]
    public void A_dataset_without_a_readable_policy_gives_no_label(string? policy, string retention) => Assert.Null(ReplicaLabel.Of(policy, retention));

    [Fact]
    public void Overrides_put_the_star_entry_then_the_policy_entry_over_the_source_retention()
    {
        var label = ReplicaLabel.Of("critical", "hourly=48,daily=30,monthly=12")!;
        var overrides = new Dictionary<string, ImmutableSortedDictionary<Interval, int>>
        {
            ["*"] = ImmutableSortedDictionary.CreateRange([KeyValuePair.Create(Interval.Hourly, 0), KeyValuePair.Create(Interval.Monthly, 18)]),
            ["critical"] = ImmutableSortedDictionary.CreateRange([KeyValuePair.Create(Interval.Monthly, 24)]),
            ["standard"] = ImmutableSortedDictionary.CreateRange([KeyValuePair.Create(Interval.Yearly, 5)]),
        };
        Assert.Equal(new ReplicaLabel("critical", "hourly=0,daily=30,monthly=24"), label.WithOverrides(overrides));
        Assert.Equal(label, label.WithOverrides(new Dictionary<string, ImmutableSortedDictionary<Interval, int>>()));
    }
}
