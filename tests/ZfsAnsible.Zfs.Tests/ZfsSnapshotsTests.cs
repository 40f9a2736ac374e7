using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Snapshots;
using ZfsAnsible.Testing;
using ZfsAnsible.Zfs;

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
        Assert.Equal(["belinda:slowpool/b"], snapshots[1].ReplicatedTo);
        Assert.Empty(snapshots[0].ReplicatedTo); // inherited from the dataset: marks nothing
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

    private const string DatasetGet = "zfs get -H -p -r -t filesystem,volume -o name,property,value,source zfsansible:policy,zfsansible:policy_source,zfsansible:retention,zfsansible:replicate,zfsansible:discover_children,zfsansible:replica_policy,zfsansible:replica_retention,zfsansible:replicated tank";

    private const string SnapshotList = "zfs list -H -p -t snapshot -d 1 -o name,createtxg,creation,userrefs,zfsansible:replicated";

    /// <summary>tank/docs is managed; tank/replicas holds snapshots nobody manages; tank/odd inherits a mark from tank.</summary>
    private static readonly string Datasets = string.Join('\n',
        "tank\tzfsansible:replicated\toops\tlocal",
        "tank/docs\tzfsansible:policy\tcritical\tlocal",
        "tank/docs\tzfsansible:replicated\t-\t-",
        "tank/replicas\tzfsansible:policy\t-\t-",
        "tank/replicas\tzfsansible:replicated\t-\t-",
        "tank/odd\tzfsansible:policy\tcritical\tlocal",
        "tank/odd\tzfsansible:replicated\toops\tinherited from tank",
        string.Empty);

    private static ScriptedRunner OpenZfsHost() => new ScriptedRunner()
        .On(DatasetGet, Datasets)
        .On($"{SnapshotList} tank/docs tank/odd", string.Join('\n',
            "tank/docs@zfsansible_2026-11-26T08:00:00Z_hourly\t30\t1795680000\t1\tbelinda:slowpool/b",
            "tank/docs@manual\t20\t1795670000\t0\t-",
            "tank/odd@a\t5\t1795600000\t0\toops",
            "tank/odd@b\t6\t1795600100\t0\toops",
            string.Empty))
        .On("zfs get -H -p -s local -t snapshot -d 1 -o name,property,value,source zfsansible:replicated tank/odd", "tank/odd@b\tzfsansible:replicated\tbelinda:slowpool/o\tlocal\n");

    private static IEnumerable<string> WithPolicy(IReadOnlyDictionary<string, System.Collections.Immutable.ImmutableDictionary<string, Domain.Properties.ObservedProperty>> datasets) =>
        datasets.Where(d => d.Value.TryGetValue("zfsansible:policy", out var p) && p.Value != "-").Select(d => d.Key);

    [Fact]
    public void OpenZfs_lists_the_datasets_then_only_the_chosen_datasets_snapshots_one_row_each()
    {
        var runner = OpenZfsHost();
        var inventory = new ZfsSnapshots(runner, ZfsCapabilities.OpenZfs("2.3.2")).InventoryOf(["tank"], WithPolicy).Value;

        Assert.Equal(["tank", "tank/docs", "tank/odd", "tank/replicas"], inventory.Datasets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["tank/docs", "tank/odd"], inventory.Snapshots.Keys.Order(StringComparer.Ordinal));
        var docs = inventory.Snapshots["tank/docs"];
        Assert.Equal(["manual", "zfsansible_2026-11-26T08:00:00Z_hourly"], docs.Select(s => s.Name));
        Assert.Equal((30L, 1, DateTimeOffset.FromUnixTimeSeconds(1795680000)), (docs[1].CreateTxg, docs[1].UserRefs, docs[1].Creation));
        Assert.Equal(["belinda:slowpool/b"], docs[1].ReplicatedTo);
        Assert.Empty(docs[0].ReplicatedTo);
        Assert.Same(inventory.Snapshots.Keys.Single(k => k == "tank/docs"), docs[0].Dataset);
        Assert.DoesNotContain(runner.Ran, c => c.ToString().Contains("tank/replicas", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mark_the_dataset_passes_down_is_no_mark_only_one_set_on_the_snapshot_is()
    {
        var inventory = new ZfsSnapshots(OpenZfsHost(), ZfsCapabilities.OpenZfs("2.3.2")).InventoryOf(["tank"], WithPolicy).Value;
        var odd = inventory.Snapshots["tank/odd"];
        Assert.Empty(odd[0].ReplicatedTo);
        Assert.Equal(["belinda:slowpool/o"], odd[1].ReplicatedTo);
    }

    [Theory]
    [InlineData("tank/docs@x\t30\tsoon\t0\t-\n")]
    [InlineData("tank/docs@x\t30\t1795680000\t0\n")]
    [InlineData("tank/other@x\t30\t1795680000\t0\t-\n")]
    public void An_unreadable_snapshot_row_is_an_error_not_a_guess(string row)
    {
        var runner = new ScriptedRunner().On(DatasetGet, Datasets).On($"{SnapshotList} tank/docs", row);
        var result = new ZfsSnapshots(runner, ZfsCapabilities.OpenZfs("2.3.2")).InventoryOf(["tank"], _ => ["tank/docs"]);
        Assert.False(result.IsOk);
        Assert.Contains(row.TrimEnd('\n'), result.Error!.Message);
    }

    [Fact]
    public void Zfs_fuse_reads_everything_in_one_get_and_keeps_the_chosen_datasets_snapshots()
    {
        var inventory = new ZfsSnapshots(new ScriptedRunner().On(Get, Listing), ZfsCapabilities.Legacy).InventoryOf(["tank"], _ => []).Value;
        Assert.Contains("tank/docs", inventory.Datasets.Keys);
        Assert.Empty(inventory.Snapshots);
    }

    private static readonly PlannedSnapshot[] Two =
    [
        new("tank/a", SnapshotName.At(DateTimeOffset.UnixEpoch, Interval.Hourly)),
        new("tank/b", SnapshotName.At(DateTimeOffset.UnixEpoch, Interval.Hourly)),
    ];

    [Fact]
    public void OpenZfs_takes_one_atomic_snapshot_command_and_destroys_with_comma_lists()
    {
        var zfs = new ZfsSnapshots(new ScriptedRunner(), ZfsCapabilities.OpenZfs("2.3.2"));
        Assert.Equal(["zfs snapshot tank/a@zfsansible_1970-01-01T00:00:00Z_hourly tank/b@zfsansible_1970-01-01T00:00:00Z_hourly"], zfs.TakeCommands(Two).Select(c => c.ToString()));
        var doomed = new[] { new Snapshot("tank/a", "x", 1, DateTimeOffset.UnixEpoch, 0, string.Empty), new Snapshot("tank/a", "y", 2, DateTimeOffset.UnixEpoch, 0, string.Empty), new Snapshot("tank/b", "z", 3, DateTimeOffset.UnixEpoch, 0, string.Empty) };
        Assert.Equal(["zfs destroy tank/a@x,y", "zfs destroy tank/b@z"], zfs.DestroyCommands(doomed).Select(c => c.ToString()));
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
