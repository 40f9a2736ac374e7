using ZfsAnsible.Modules;
using ZfsAnsible.Modules.ZfsReplicate;
using ZfsAnsible.Testing;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.Tests;

public class ReplicationServerTests
{
    private const string Token = "1-e3f1a0c9-d8-789c6360";

    private static (int Exit, List<string> Ran, List<string> Log) Serve(string request, ScriptedRunner runner)
    {
        var ran = new List<string>();
        var log = new List<string>();
        var exit = new ReplicationServer(runner, command => { ran.Add(command.ToString()); return 0; }, (_, line) => log.Add(line)).Serve(request, ["tank/documents"]);
        return (exit, ran, log);
    }

    private static ScriptedRunner TokenNaming(string name, string guid) => new ScriptedRunner()
        .On($"zfs send -nv -t {Token}", stderr: $"resume token contents:\nnvlist version: 0\n\ttoguid = 0x{guid}\n\ttoname = {name}\n");

    [Fact]
    public void A_resumed_send_of_an_allowed_snapshot_is_served_and_logged()
    {
        var runner = TokenNaming("tank/documents@a", "1f").On("zfs get -H -p -o value guid tank/documents@a", "31\n");
        var (exit, ran, log) = Serve($"'zfs' 'send' '-t' '{Token}'", runner);
        Assert.Equal(0, exit);
        Assert.Equal([$"zfs send -t {Token}"], ran);
        Assert.Contains(log, l => l.StartsWith("serving 'zfs send -t", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tank/secrets@a", "1f", "outside the served datasets")]
    [InlineData("tank/documents@a", "20", "the resume token's snapshot is not tank/documents@a")] // a forged GUID: another dataset's snapshot
    public void A_token_naming_another_snapshot_is_refused_unsent(string name, string guid, string reason)
    {
        var runner = TokenNaming(name, guid).On("zfs get -H -p -o value guid tank/documents@a", "31\n");
        var (exit, ran, log) = Serve($"'zfs' 'send' '-t' '{Token}'", runner);
        Assert.Equal(ReplicationServer.Refused, exit);
        Assert.Empty(ran);
        Assert.Contains(log, l => l.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void A_token_whose_contents_name_two_snapshots_is_refused()
    {
        var runner = new ScriptedRunner().On($"zfs send -nv -t {Token}",
            stderr: "\ttoguid = 0x1f\n\ttoname = tank/documents@a\n\ttoname = tank/secrets@a\n");
        var (exit, ran, _) = Serve($"'zfs' 'send' '-t' '{Token}'", runner);
        Assert.Equal(ReplicationServer.Refused, exit);
        Assert.Empty(ran);
    }
}
