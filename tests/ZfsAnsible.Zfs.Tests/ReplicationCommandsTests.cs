using ZfsAnsible.Domain.Collections;
using ZfsAnsible.Domain.Replication;
using ZfsAnsible.Zfs;

namespace ZfsAnsible.Zfs.Tests;

public class ReplicationCommandsTests
{
    private static readonly SuccessRecord Record = new(DateTimeOffset.FromUnixTimeSeconds(1795680000), 4096, TimeSpan.FromMilliseconds(1500));

    private static string[] Commands(ReplicationAction action, bool oneSet) =>
        [.. ReplicationCommands.For(action, Record, oneSet).Select(w => w.Command.ToString())];

    [Fact]
    public void Where_zfs_set_takes_several_properties_an_actions_properties_go_in_one_command()
    {
        Assert.Equal(["zfs set readonly=on canmount=noauto backup/h/tank/docs"], Commands(new Protect("backup/h/tank/docs"), oneSet: true));
        Assert.Equal(
            ["zfs set zfsansible:last_success=1795680000 zfsansible:last_duration_ms=1500 zfsansible:last_bytes=4096 backup/h/tank/docs"],
            Commands(new RecordSuccess("backup/h/tank/docs"), oneSet: true));
    }

    [Fact]
    public void Elsewhere_each_property_is_its_own_command()
    {
        Assert.Equal(["zfs set readonly=on backup/h/tank/docs", "zfs set canmount=noauto backup/h/tank/docs"], Commands(new Protect("backup/h/tank/docs"), oneSet: false));
        Assert.Equal(3, Commands(new RecordSuccess("backup/h/tank/docs"), oneSet: false).Length);
    }

    [Fact]
    public void A_mark_is_one_property_either_way_so_the_served_source_sees_the_same_command()
    {
        var mark = new SetMarks("tank/docs@b", new ValueArray<string>(["belinda:slowpool/b"]));
        Assert.Equal(Commands(mark, oneSet: false), Commands(mark, oneSet: true));
    }
}
