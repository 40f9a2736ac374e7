using System.Collections.Immutable;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Snapshots;
using ZfsAnsible.Testing;
using ZfsAnsible.Zfs;
using ZfsAnsible.Domain.Replication;

namespace ZfsAnsible.Zfs.Tests;

public class ZfsSnapshotsTests
{
    private const string Get = "zfs get -H -p -r -o name,property,value,source zfsansible:policy,zfsansible:policy_source,zfsansible:retention,zfsansible:replicate,zfsansible:discover_children,zfsansible:replica_policy,zfsansible:replica_retention,createtxg,creation,userrefs,zfsansible:replicated tank";

    private static readonly string Listing = string.Join('\n',
        "tank/docs\tzfsansible:policy\tcritical\tlocal",
        "tank/docs\tcreatetxg\t10\t-",
        "tank/docs\tuserrefs\t-\t-",
        "tank/docs\tzfsansible:replicated\t-\t-",
        "tank/docs@zfsansible_2026-11-26T08:00:00Z_hourly\tcreatetxg\t30\t-",
        "tank/docs@zfsansible_2026-11-26T08:00:00Z_hourly\tcreation\t1795680000\t-",
        "tank/docs@zfsansible_2026-11-26T08:00:00Z_hourly\tuserrefs\t1\t-",
        "tank/docs@zfsansible_2026-11-26T08:00:00Z_hourly\tzfsansible:replicated\tbelinda:slowpool/b\tlocal",
        "tank/docs@zfsansible_2026-11-26T08:00:00Z_hourly\tzfsansible:policy\tcritical\tinherited from tank/docs",
        "tank/docs@manual\tcreatetxg\t20\t-",
        "tank/docs@manual\tcreation\t1795670000\t-",
        "tank/docs@manual\tuserrefs\t0\t-",
        "tank/docs@manual\tzfsansible:replicated\tyes\tinherited from tank/docs",
        "tank/docs#bookmark\tcreatetxg\t20\t-",
        string.Empty);

    [Fact]
    public void One_zfs_get_gives_policies_and_snapshots_in_creation_order()
    {
        var inventory = new ZfsSnapshots(new ScriptedRunner().On(Get, Listing), ZfsCapabilities.Legacy).Inventory(["tank"]).Value;
        Assert.Equal("critical", inventory.Datasets["tank/docs"]["zfsansible:policy"].Value);
        var snapshots = inventory.Snapshots["tank/docs"];
        Assert.Equal(["manual", "zfsansible_2026-11-26T08:00:00Z_hourly"], snapshots.Select(s => s.Name));
        Assert.Equal(1, snapshots[1].UserRefs);
        Assert.Equal(["belinda:slowpool/b"], ReplicationMark.Parse(snapshots[1].Replicated));
        Assert.Empty(ReplicationMark.Parse(snapshots[0].Replicated)); // inherited from the dataset: marks nothing
        Assert.Null(snapshots[0].Own);
        Assert.Equal(Interval.Hourly, snapshots[1].Own!.Interval);
    }

    [Fact]
    public void A_snapshot_without_numbers_is_an_error_not_a_guess()
    {
        var result = new ZfsSnapshots(new ScriptedRunner().On(Get, "tank/docs@x\tcreatetxg\tlots\t-\n"), ZfsCapabilities.Legacy).Inventory(["tank"]);
        Assert.False(result.IsOk);
        Assert.Contains("tank/docs@x", result.Error!.Message);
    }

    private const string DatasetGet = "zfs get -H -p -r -t filesystem,volume -o name,property,value,source zfsansible:policy,zfsansible:policy_source,zfsansible:retention,zfsansible:replicate,zfsansible:discover_children,zfsansible:replica_policy,zfsansible:replica_retention,guid,snapshots_changed tank";

    private const string SnapshotList = "zfs list -H -p -t snapshot -d 1 -o name,createtxg";

    private const string HoldsAndMarks = "zfs get -H -p -o name,property,value,source creation,userrefs,zfsansible:replicated";

    /// <summary>The listing began at second 1,000; tank/docs last changed at 900, tank/odd at 1,000 (the same second).</summary>
    private static readonly FakeClock At1000 = new(DateTimeOffset.FromUnixTimeSeconds(1000));

    /// <summary>tank/docs and tank/odd are managed; tank/replicas holds snapshots nobody manages.</summary>
    private static readonly string Datasets = string.Join('\n',
        "tank/docs\tzfsansible:policy\tcritical\tlocal",
        "tank/docs\tguid\t111\t-",
        "tank/docs\tsnapshots_changed\t900\t-",
        "tank/replicas\tzfsansible:policy\t-\t-",
        "tank/replicas\tguid\t222\t-",
        "tank/replicas\tsnapshots_changed\t900\t-",
        "tank/odd\tzfsansible:policy\tcritical\tlocal",
        "tank/odd\tguid\t333\t-",
        "tank/odd\tsnapshots_changed\t1000\t-",
        string.Empty);

    private const string DocsHourly = "tank/docs@zfsansible_2026-11-26T08:00:00Z_hourly";

    private static ScriptedRunner OpenZfsHost() => new ScriptedRunner()
        .On(DatasetGet, Datasets)
        .On($"{SnapshotList} tank/docs tank/odd", string.Join('\n', $"{DocsHourly}\t30", "tank/docs@manual\t20", "tank/odd@a\t5", string.Empty));

    private static IEnumerable<string> WithPolicy(IReadOnlyDictionary<string, System.Collections.Immutable.ImmutableDictionary<string, Domain.Properties.ObservedProperty>> datasets) =>
        datasets.Where(d => d.Value.TryGetValue("zfsansible:policy", out var p) && p.Value != "-").Select(d => d.Key);

    private static (SnapshotInventory Inventory, SnapshotListingCache Cache) Inventory(ScriptedRunner runner, SnapshotListingCache? cache = null, TimeProvider? clock = null) =>
        new ZfsSnapshots(runner, ZfsCapabilities.OpenZfs("2.3.2")).InventoryOf(["tank"], WithPolicy, cache ?? SnapshotListingCache.Empty, clock ?? At1000).Value;

    [Fact]
    public void OpenZfs_lists_the_datasets_then_only_the_chosen_datasets_snapshot_names()
    {
        var runner = OpenZfsHost();
        var (inventory, _) = Inventory(runner);

        Assert.Equal(["tank/docs", "tank/odd", "tank/replicas"], inventory.Datasets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["tank/docs", "tank/odd"], inventory.Snapshots.Keys.Order(StringComparer.Ordinal));
        var docs = inventory.Snapshots["tank/docs"];
        Assert.Equal(["manual", "zfsansible_2026-11-26T08:00:00Z_hourly"], docs.Select(s => s.Name));
        // Listed records: the creation their name says, no holds, no marks, until WithHoldsAndMarks reads them.
        Assert.False(inventory.HoldsAndMarksRead);
        Assert.Equal((30L, 0, DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), (docs[1].CreateTxg, docs[1].UserRefs, docs[1].Creation));
        Assert.Same(inventory.Snapshots.Keys.Single(k => k == "tank/docs"), docs[0].Dataset);
        Assert.DoesNotContain(runner.Ran, c => c.ToString().Contains("tank/replicas", StringComparison.Ordinal));
    }

    private const string HoldsProgram = "zfs program -n -j tank /dev/stdin";

    [Fact]
    public void Holds_marks_and_creation_are_read_by_one_channel_program_for_the_given_snapshots_only()
    {
        var runner = OpenZfsHost().On($"{HoldsProgram} {DocsHourly} tank/odd@a",
            """{"return":{"1":{"1":1795680000,"2":1,"3":"belinda:slowpool/b","4":"DOCS"},"2":{"1":1795600000,"2":0,"3":"oops","4":"tank/odd"}}}""".Replace("DOCS", DocsHourly, StringComparison.Ordinal));
        AssertHoldsAndMarksRead(runner, ZfsCapabilities.OpenZfs("2.3.2"));
        Assert.Equal(ChannelPrograms.HoldsScript, runner.Ran.Single(c => c.Program == "zfs" && c.Arguments[0] == "program").Input);
    }

    [Fact]
    public void Without_channel_programs_holds_marks_and_creation_come_from_zfs_get()
    {
        var runner = OpenZfsHost().On($"{HoldsAndMarks} {DocsHourly} tank/odd@a", string.Join('\n',
            $"{DocsHourly}\tcreation\t1795680000\t-",
            $"{DocsHourly}\tuserrefs\t1\t-",
            $"{DocsHourly}\tzfsansible:replicated\tbelinda:slowpool/b\tlocal",
            "tank/odd@a\tcreation\t1795600000\t-",
            "tank/odd@a\tuserrefs\t0\t-",
            "tank/odd@a\tzfsansible:replicated\toops\tinherited from tank/odd",
            string.Empty));
        AssertHoldsAndMarksRead(runner, ZfsCapabilities.OpenZfs("2.3.2") with { ChannelPrograms = false });
    }

    private static void AssertHoldsAndMarksRead(ScriptedRunner runner, ZfsCapabilities capabilities)
    {
        var zfs = new ZfsSnapshots(runner, capabilities);
        var (listed, _) = zfs.InventoryOf(["tank"], WithPolicy, SnapshotListingCache.Empty, At1000).Value;

        var inventory = zfs.WithHoldsAndMarks(listed, [listed.Snapshots["tank/docs"][1], listed.Snapshots["tank/odd"][0]]).Value;

        var hourly = inventory.Snapshots["tank/docs"][1];
        Assert.Equal((1, DateTimeOffset.FromUnixTimeSeconds(1795680000)), (hourly.UserRefs, hourly.Creation));
        Assert.Equal(["belinda:slowpool/b"], ReplicationMark.Parse(hourly.Replicated));
        // Inherited from its dataset: no mark.
        Assert.Empty(ReplicationMark.Parse(inventory.Snapshots["tank/odd"][0].Replicated));
        Assert.Same(listed.Snapshots["tank/docs"][0], inventory.Snapshots["tank/docs"][0]);
    }

    [Theory]
    [InlineData("{\"return\":{\"1\":{\"1\":1,\"2\":\"many\"}}}")]
    [InlineData("{\"return\":{\"1\":{\"1\":1,\"2\":-1}}}")]
    [InlineData("{\"return\":{\"tank/docs@zfsansible_2026-11-26T08:00:00Z_hourly\":{\"1\":1,\"2\":0}}}")]
    [InlineData("{\"return\":{}}")]
    [InlineData("{\"return\":0}")]
    [InlineData("Channel program execution failed")]
    public void A_snapshot_whose_holds_cannot_be_read_is_an_error_not_a_guess(string answer)
    {
        var runner = OpenZfsHost().On($"{HoldsProgram} {DocsHourly}", answer);
        var zfs = new ZfsSnapshots(runner, ZfsCapabilities.OpenZfs("2.3.2"));
        var (listed, _) = zfs.InventoryOf(["tank"], WithPolicy, SnapshotListingCache.Empty, At1000).Value;
        var result = zfs.WithHoldsAndMarks(listed, [listed.Snapshots["tank/docs"][1]]);
        Assert.False(result.IsOk);
        Assert.DoesNotContain('\n', result.Error!.Message);
    }

    [Fact]
    public void A_listing_is_cached_only_when_its_dataset_last_changed_before_the_listing_began()
    {
        var (_, cache) = Inventory(OpenZfsHost());
        Assert.Equal(["tank/docs"], cache.Listings.Keys);
        Assert.Equal(new ListingStamp("111", 900), cache.Listings["tank/docs"].Stamp);
        Assert.Equal(1000, cache.Listings["tank/docs"].ListedAt);
    }

    [Fact]
    public void A_dataset_with_a_current_cached_listing_is_not_listed_again()
    {
        var (first, cache) = Inventory(OpenZfsHost());
        var runner = new ScriptedRunner().On(DatasetGet, Datasets).On($"{SnapshotList} tank/odd", "tank/odd@a\t5\n");

        var (second, _) = Inventory(runner, cache, new FakeClock(DateTimeOffset.FromUnixTimeSeconds(5000)));

        Assert.Equal(first.Snapshots["tank/docs"], second.Snapshots["tank/docs"]);
        Assert.DoesNotContain(runner.Ran, c => c.ToString().Contains("tank/docs", StringComparison.Ordinal) && c.ToString().StartsWith("zfs list", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tank/docs\tsnapshots_changed\t900", "tank/docs\tsnapshots_changed\t1200", 5000)] // the list changed since
    [InlineData("tank/docs\tguid\t111", "tank/docs\tguid\t999", 5000)]                            // destroyed and made again
    [InlineData("", "", 999)]                                                                         // the clock went back
    public void A_cached_listing_that_may_not_be_current_is_listed_again(string was, string now, long clock)
    {
        var (_, cache) = Inventory(OpenZfsHost());
        var runner = new ScriptedRunner()
            .On(DatasetGet, was.Length == 0 ? Datasets : Datasets.Replace(was, now, StringComparison.Ordinal))
            .On($"{SnapshotList} tank/docs tank/odd", "tank/docs@new\t40\n");

        var (inventory, _) = Inventory(runner, cache, new FakeClock(DateTimeOffset.FromUnixTimeSeconds(clock)));

        Assert.Equal(["new"], inventory.Snapshots["tank/docs"].Select(s => s.Name));
    }

    [Theory]
    [InlineData("tank/docs@x\tsoon\n")]
    [InlineData("tank/docs@x\t30\t0\n")]
    [InlineData("tank/docs@\t30\n")]
    [InlineData("tank/other@x\t30\n")]
    public void An_unreadable_snapshot_row_is_an_error_not_a_guess(string row)
    {
        var runner = new ScriptedRunner().On(DatasetGet, Datasets).On($"{SnapshotList} tank/docs", row);
        var result = new ZfsSnapshots(runner, ZfsCapabilities.OpenZfs("2.3.2")).InventoryOf(["tank"], _ => ["tank/docs"], SnapshotListingCache.Empty, At1000);
        Assert.False(result.IsOk);
        Assert.Contains(row.TrimEnd('\n'), result.Error!.Message);
    }

    [Fact]
    public void Before_OpenZfs_2_2_there_is_no_snapshots_changed_and_nothing_is_cached()
    {
        Assert.False(ZfsCapabilities.OpenZfs("2.1.11-1").SnapshotsChanged);
        Assert.True(ZfsCapabilities.OpenZfs("2.2.0-rc1").SnapshotsChanged);
        var runner = new ScriptedRunner()
            .On(DatasetGet.Replace(",guid,snapshots_changed", string.Empty, StringComparison.Ordinal), "tank/docs\tzfsansible:policy\tcritical\tlocal\n")
            .On($"{SnapshotList} tank/docs", "tank/docs@a\t5\n");
        var (inventory, cache) = new ZfsSnapshots(runner, ZfsCapabilities.OpenZfs("2.1.11")).InventoryOf(["tank"], WithPolicy, SnapshotListingCache.Empty, At1000).Value;
        Assert.Single(inventory.Snapshots["tank/docs"]);
        Assert.Empty(cache.Listings);
    }

    [Fact]
    public void Zfs_fuse_reads_everything_in_one_get_and_keeps_the_chosen_datasets_snapshots()
    {
        var (inventory, _) = new ZfsSnapshots(new ScriptedRunner().On(Get, Listing), ZfsCapabilities.Legacy).InventoryOf(["tank"], _ => [], SnapshotListingCache.Empty, At1000).Value;
        Assert.Contains("tank/docs", inventory.Datasets.Keys);
        Assert.Empty(inventory.Snapshots);
    }

    private static readonly PlannedSnapshot[] Two =
    [
        new("tank/a", SnapshotName.At(DateTimeOffset.UnixEpoch, Interval.Hourly)),
        new("tank/b", SnapshotName.At(DateTimeOffset.UnixEpoch, Interval.Hourly)),
    ];

    private static readonly Snapshot[] Doomed =
    [
        new("tank/a", "x", 1, DateTimeOffset.UnixEpoch, 0, string.Empty),
        new("tank/a", "y", 2, DateTimeOffset.UnixEpoch, 0, string.Empty),
        new("slowpool/b", "z", 3, DateTimeOffset.UnixEpoch, 0, string.Empty),
        new("tank/c", "z", 4, DateTimeOffset.UnixEpoch, 0, string.Empty),
    ];

    [Fact]
    public void OpenZfs_takes_one_atomic_snapshot_command_and_destroys_a_pools_snapshots_in_one_channel_program()
    {
        var zfs = new ZfsSnapshots(new ScriptedRunner(), ZfsCapabilities.OpenZfs("2.3.2"));
        Assert.Equal(["zfs snapshot tank/a@zfsansible_1970-01-01T00:00:00Z_hourly tank/b@zfsansible_1970-01-01T00:00:00Z_hourly"], zfs.TakeCommands(Two).Select(c => c.ToString()));
        var destroys = zfs.DestroyCommands(Doomed);
        Assert.Equal(["zfs program tank /dev/stdin tank/a@x tank/a@y tank/c@z", "zfs program slowpool /dev/stdin slowpool/b@z"], destroys.Select(c => c.ToString()));
        Assert.All(destroys, c => Assert.Equal(ChannelPrograms.DestroyScript, c.Input));
    }

    [Fact]
    public void Without_channel_programs_OpenZfs_destroys_with_a_comma_list_per_dataset()
    {
        var zfs = new ZfsSnapshots(new ScriptedRunner(), ZfsCapabilities.OpenZfs("2.3.2") with { ChannelPrograms = false });
        Assert.Equal(["zfs destroy tank/a@x,y", "zfs destroy slowpool/b@z", "zfs destroy tank/c@z"], zfs.DestroyCommands(Doomed).Select(c => c.ToString()));
    }

    [Fact]
    public void Zfs_fuse_gets_one_command_per_snapshot()
    {
        var zfs = new ZfsSnapshots(new ScriptedRunner(), ZfsCapabilities.Legacy);
        Assert.Equal(2, zfs.TakeCommands(Two).Length);
        Assert.Equal(["zfs destroy tank/a@x", "zfs destroy tank/a@y"], zfs.DestroyCommands([new Snapshot("tank/a", "x", 1, DateTimeOffset.UnixEpoch, 0, string.Empty), new Snapshot("tank/a", "y", 2, DateTimeOffset.UnixEpoch, 0, string.Empty)]).Select(c => c.ToString()));
    }
}

public class ZfsSnapshotsAcrossPoolsTests
{
    [Fact]
    public void Commands_naming_many_snapshots_stay_within_the_argument_budget_and_one_pool()
    {
        // 6,000 names of 200 bytes in tank (1.2 MB: five commands), and one in slowpool.
        var longName = new string('n', 200 - "tank/a@".Length);
        var snapshots = Enumerable.Range(0, 6000).Select(i => Snapshot.Listed("tank/a", $"{longName[..^5]}{i:D5}", i))
            .Append(Snapshot.Listed("slowpool/b", "x", 1)).ToList();
        var batches = ZfsSnapshots.PoolBatches(snapshots).Select(b => b.Snapshots).ToList();
        Assert.All(batches, b => Assert.True(b.Sum(s => s.FullName.Length + 1) <= ZfsSnapshots.ArgumentBytesPerCommand));
        Assert.All(batches, b => Assert.Single(b.Select(s => s.Dataset.Split('/')[0]).Distinct()));
        Assert.Equal(snapshots.Select(s => s.FullName).Order(), batches.SelectMany(b => b).Select(s => s.FullName).Order());
        Assert.Equal([1304, 1304, 1304, 1304, 784, 1], batches.Select(b => b.Length));

        var destroys = new ZfsSnapshots(new ScriptedRunner(), ZfsCapabilities.OpenZfs("2.3.2")).DestroyCommands(snapshots);
        Assert.Equal(["tank", "tank", "tank", "tank", "tank", "slowpool"], destroys.Select(c => c.Arguments[1]));
    }

    [Fact]
    public void Holds_read_in_several_programs_at_once_land_on_the_snapshots_they_belong_to()
    {
        // 6,000 long names in tank (five programs) and one in slowpool, answered by position: every 7th is held and
        // every 11th marked, whatever program, order or thread answered it.
        var longName = new string('n', 195 - "tank/a@".Length);
        var tank = Enumerable.Range(0, 6000).Select(i => Snapshot.Listed("tank/a", $"{longName}{i:D5}", i)).ToImmutableArray();
        var slowpool = ImmutableArray.Create(Snapshot.Listed("slowpool/b", "x00007", 1));
        var inventory = new SnapshotInventory(ImmutableDictionary<string, ImmutableDictionary<string, ObservedProperty>>.Empty,
            ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("tank/a", tank), KeyValuePair.Create("slowpool/b", slowpool)]))
        { HoldsAndMarksRead = false };
        static int Number(string name) => int.Parse(name[^5..], System.Globalization.CultureInfo.InvariantCulture);
        var runner = new ScriptedRunner
        {
            Dynamic = command => command.Arguments[0] == "program"
                ? "{\"return\":{" + string.Join(',', command.Arguments.Skip(5).Select((name, i) =>
                    $"\"{i + 1}\":{{\"1\":{Number(name)},\"2\":{(Number(name) % 7 == 0 ? 1 : 0)},\"3\":\"b:x\",\"4\":\"{(Number(name) % 11 == 0 ? name : "tank/a")}\"}}")) + "}}"
                : null,
        };

        var read = new ZfsSnapshots(runner, ZfsCapabilities.OpenZfs("2.3.2")).WithHoldsAndMarks(inventory, [.. tank, .. slowpool]).Value;

        Assert.Equal(6, runner.Ran.Count);
        Assert.All(read.Snapshots.Values.SelectMany(s => s), s => Assert.Equal(
            (Number(s.Name), Number(s.Name) % 7 == 0 ? 1 : 0, Number(s.Name) % 11 == 0 ? "b:x" : string.Empty),
            (s.Creation.ToUnixTimeSeconds(), s.UserRefs, s.Replicated)));
        Assert.Equal(1, read.Snapshots["slowpool/b"].Single().UserRefs);
    }

    [Fact]
    public void One_atomic_snapshot_command_never_spans_two_pools()
    {
        var time = SnapshotName.At(DateTimeOffset.UnixEpoch, Interval.Hourly);
        var commands = new ZfsSnapshots(new ScriptedRunner(), ZfsCapabilities.OpenZfs("2.3.2"))
            .TakeCommands([new("tank/a", time), new("slowpool/b", time), new("tank/c", time)]).Select(c => c.ToString()).ToList();
        Assert.Equal(
            ["zfs snapshot tank/a@zfsansible_1970-01-01T00:00:00Z_hourly tank/c@zfsansible_1970-01-01T00:00:00Z_hourly", "zfs snapshot slowpool/b@zfsansible_1970-01-01T00:00:00Z_hourly"],
            commands);
    }
}
