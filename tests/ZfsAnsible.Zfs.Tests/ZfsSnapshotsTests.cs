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
