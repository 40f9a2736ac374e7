using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs.Tests;

public class ChannelProgramsTests
{
    [Fact]
    public void A_mark_nobody_set_is_no_mark()
    {
        var holds = ChannelPrograms.ReadHolds("""{"return":{"1":{"1":1795680000,"2":0}}}""", ["tank/a@x"]).Value;
        Assert.Equal(new SnapshotHolds(1795680000, 0, string.Empty), holds.Single());
    }

    [Fact]
    public void The_answer_is_read_by_position_a_mark_counting_only_where_it_is_set_on_the_snapshot()
    {
        var holds = ChannelPrograms.ReadHolds(
            """{"return":{"2":{"1":20,"2":0,"3":"b:x","4":"tank/a"},"1":{"1":10,"2":3,"3":"b:x","4":"tank/a@x"}}}""",
            ["tank/a@x", "tank/a@y"]).Value;
        Assert.Equal([new SnapshotHolds(10, 3, "b:x"), new SnapshotHolds(20, 0, string.Empty)], holds);
    }

    [Theory]
    [InlineData("""{"return":{"1":{"1":1,"2":0}}}""", "cannot read the creation and holds of tank/a@y")]
    [InlineData("""{"return":{"1":{"1":1,"2":0},"2":{"1":1,"2":0},"3":{"1":1,"2":0}}}""", "the channel program answered an entry '3' for none of the 2 snapshots asked")]
    [InlineData("""{"return":{"1":{"1":1,"2":0},"0":{"1":1,"2":0}}}""", "the channel program answered an entry '0' for none of the 2 snapshots asked")]
    [InlineData("""{"return":{"tank/a@x":{"1":1,"2":0},"2":{"1":1,"2":0}}}""", "the channel program answered an entry 'tank/a@x' for none of the 2 snapshots asked")]
    [InlineData("""{"return":{"1":{"1":1,"2":0},"01":{"1":1,"2":0}}}""", "the channel program answered an entry '01' for none of the 2 snapshots asked")]
    [InlineData("""{"return":{"1":{"1":1,"2":0},"2":{"1":1}}}""", "snapshot tank/a@y has no readable creation or userrefs")]
    public void An_answer_that_does_not_name_each_snapshot_asked_exactly_once_is_an_error(string answer, string error)
    {
        Assert.Equal(error, ChannelPrograms.ReadHolds(answer, ["tank/a@x", "tank/a@y"]).Error!.Message);
    }

    [Fact]
    public void A_failed_program_is_one_line_without_its_lua_traceback()
    {
        var failed = new CommandResult(ChannelPrograms.Destroy("tank", ["tank/a@x"]), 1, string.Empty, """
            Channel program execution failed:
            [string "channel program"]:12: nothing destroyed: cannot destroy tank/a@x (held or cloned)
            stack traceback:
            	[C]: in function 'error'
            	[string "channel program"]:12: in main chunk
            """);
        Assert.Equal("Channel program execution failed: [string \"channel program\"]:12: nothing destroyed: cannot destroy tank/a@x (held or cloned)", failed.ErrorSummary);
    }

    [Fact]
    public void The_snapshots_are_arguments_and_the_script_is_never_built_from_them()
    {
        var command = ChannelPrograms.Destroy("tank", ["tank/a@x\"); zfs.sync.destroy(\"tank"]);
        Assert.Equal(ChannelPrograms.DestroyScript, command.Input);
        Assert.Equal(["program", "tank", "/dev/stdin", "tank/a@x\"); zfs.sync.destroy(\"tank"], command.Arguments);
    }
}
