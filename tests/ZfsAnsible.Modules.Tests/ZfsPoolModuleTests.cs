using System.Text.Json.Nodes;
using ZfsAnsible.ModuleProtocol.Arguments;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Modules.ZfsPool;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Modules.Tests;

/// <summary>The module's observe-plan-apply loop on a scripted zfs-fuse: which commands run, in which mode.</summary>
public class ZfsPoolModuleTests
{
    private const string NoPools = "no pools available\n";

    private static ScriptedRunner LegacyZfs() => new ScriptedRunner()
        .On("zfs version", exit: 2, stderr: "unrecognized command")
        .On("zpool list -H -p -o name", exit: 2, stderr: "invalid option 'p'");

    private static ModuleResult Execute(ScriptedRunner runner, string json, bool checkMode = false)
    {
        var validation = ArgumentSpecValidator.Validate(JsonNode.Parse(json)!.AsObject(), ZfsPoolSpec.Spec, ZfsPoolSpec.ModuleName);
        Assert.True(validation.IsValid, validation.Message);
        return ZfsPoolModule.Execute(new ModuleContext(ZfsPoolSpec.ModuleName, validation.Parameters!, checkMode, DiffMode: true, Verbosity: 0), runner);
    }

    [Fact]
    public void Check_mode_only_reads()
    {
        var device = Path.GetTempFileName();
        try
        {
            var runner = LegacyZfs()
                .On("zpool status", NoPools)
                .On("zpool import", exit: 1)
                .On($"blkid -p -o export {device}", exit: 2);
            var result = Execute(runner, $$"""{"name": "tank", "vdevs": [{"devices": ["{{device}}"]}]}""", checkMode: true);
            Assert.True(result.Changed);
            Assert.False(result.Failed, result.Msg);
            Assert.Equal($"zpool create tank {device}", result.Values["commands"]![0]!.GetValue<string>());
            Assert.DoesNotContain(runner.Ran, c => c.Arguments.Items.FirstOrDefault() is "create" or "destroy" or "add" or "set" or "export");
            Assert.Equal(("absent", "imported"), (result.Diff!.Before!["state"]!.GetValue<string>(), result.Diff.After!["state"]!.GetValue<string>()));
        }
        finally
        {
            File.Delete(device);
        }
    }

    [Fact]
    public void Yaml_booleans_and_numbers_become_zfs_words()
    {
        var declaration = PoolDeclarationReader.Read(ZfsPoolArguments.From(Validate("""{"name": "tank", "properties": {"ashift": 12}, "filesystem_properties": {"atime": false, "compression": true}}"""))).Value;
        Assert.Equal("12", declaration.Properties["ashift"]);
        Assert.Equal("off", declaration.FilesystemProperties["atime"]);
        Assert.Equal("on", declaration.FilesystemProperties["compression"]);
    }

    [Fact]
    public void A_stripe_declares_one_vdev_per_device()
    {
        var declaration = PoolDeclarationReader.Read(ZfsPoolArguments.From(Validate("""{"name": "tank", "vdevs": [{"type": "stripe", "devices": ["sdb", "sdc"]}], "spare": ["sdd"]}"""))).Value;
        Assert.Equal(["stripe [/dev/sdb]", "stripe [/dev/sdc]", "spare stripe [/dev/sdd]"], declaration.Topology!.Vdevs.Select(v => v.ToString()));
    }

    [Theory]
    [InlineData("""{"name": "tank", "vdevs": [{"type": "raidz2", "devices": ["a", "b"]}]}""", "a raidz2 vdev in vdevs needs at least 3 devices, got 2")]
    [InlineData("""{"name": "tank", "log": [{"type": "mirror", "devices": ["a"]}]}""", "a mirror vdev in log needs at least 2 devices, got 1")]
    [InlineData("""{"name": "tank", "altroot": "relative"}""", "'relative' must be an absolute path")]
    [InlineData("""{"name": "tank", "search_directories": ["/ok", "rel"]}""", "'rel' must be an absolute path")]
    [InlineData("""{"name": "tank", "properties": {"Bad": "x"}}""", "properties: invalid property name 'Bad' (lower-case letters, digits and '_', feature@name; user properties also ':', '.', '-', '+' and must contain ':')")]
    public void Declarations_that_cannot_work_are_refused(string json, string reason) =>
        Assert.Equal(reason, PoolDeclarationReader.Read(ZfsPoolArguments.From(Validate(json))).Error!.Message);

    [Fact]
    public void A_failing_command_fails_the_task_naming_it_and_listing_what_ran()
    {
        var device = Path.GetTempFileName();
        try
        {
            var runner = LegacyZfs()
                .On("zpool status", NoPools)
                .On("zpool import", exit: 1)
                .On($"blkid -p -o export {device}", exit: 2)
                .On($"zpool create tank {device}", exit: 1, stderr: "cannot create 'tank': permission denied\n");
            var result = Execute(runner, $$"""{"name": "tank", "vdevs": [{"devices": ["{{device}}"]}]}""");
            Assert.True(result.Failed);
            Assert.Equal($"zpool create tank {device} failed (exit 1): cannot create 'tank': permission denied", result.Msg);
            Assert.Single(result.Values["commands"]!.AsArray());
        }
        finally
        {
            File.Delete(device);
        }
    }

    [Fact]
    public void An_import_followed_by_a_refusal_still_reports_the_change()
    {
        const string Status = "  pool: tank\n state: ONLINE\nconfig:\n\n\tNAME STATE\n\ttank ONLINE\n\t  /d/other ONLINE\n\n";
        var statusAnswers = new Queue<string>([NoPools, Status]);
        var runner = LegacyZfs()
            .On("zpool import -d /d", "   pool: tank\n")
            .On("zpool import -d /d tank");
        runner.Dynamic = command => command.ToString() == "zpool status" ? statusAnswers.Dequeue() : null;
        var result = Execute(runner, """{"name": "tank", "vdevs": [{"devices": ["/d/declared"]}], "search_directories": ["/d"]}""");
        Assert.True(result.Failed);
        Assert.True(result.Changed);
        Assert.StartsWith("imported pool tank, then: pool tank differs from its declared vdevs", result.Msg);
    }

    private static ModuleParameters Validate(string json) =>
        ArgumentSpecValidator.Validate(JsonNode.Parse(json)!.AsObject(), ZfsPoolSpec.Spec, ZfsPoolSpec.ModuleName).Parameters!;
}
