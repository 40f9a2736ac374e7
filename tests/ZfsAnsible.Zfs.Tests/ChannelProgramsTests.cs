using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs.Tests;

public class ChannelProgramsTests
{
    [Fact]
    public void A_mark_nobody_set_is_no_mark()
    {
        var holds = ChannelPrograms.ReadHolds("""{"return":{"tank/a@x":{"1":1795680000,"2":0}}}""").Value;
        Assert.Equal(new SnapshotHolds(1795680000, 0, string.Empty), holds["tank/a@x"]);
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
