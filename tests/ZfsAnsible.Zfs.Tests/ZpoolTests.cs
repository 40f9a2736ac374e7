using System.Collections.Immutable;
using Moq;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Zfs.Execution;

using ZfsAnsible.Testing;

namespace ZfsAnsible.Zfs.Tests;

public class ZpoolTests
{
    [Fact]
    public void The_probe_recognises_openzfs_by_its_version()
    {
        var runner = new Mock<ICommandRunner>();
        var version = Command.Of("zfs", "version");
        runner.Setup(r => r.Run(version))
            .Returns((Command c) => new CommandResult(c, 0, "zfs-2.3.2-1~bpo12+1\nzfs-kmod-2.3.2-1~bpo12+1\n", string.Empty));
        var capabilities = CapabilityProbe.Probe(runner.Object);
        Assert.Equal("openzfs 2.3.2-1~bpo12+1", capabilities.Implementation);
        Assert.True(capabilities.ParsableOutput && capabilities.Bookmarks && capabilities.ResumableReceive && capabilities.CommaListDestroy);
        runner.Verify(r => r.Run(It.IsAny<Command>()), Times.Once);
    }

    [Fact]
    public void The_probe_falls_back_to_the_legacy_dialect()
    {
        var runner = new ScriptedRunner()
            .On("zfs version", exit: 2, stderr: "unrecognized command 'version'")
            .On("zpool list -H -p -o name", exit: 2, stderr: "invalid option 'p'");
        Assert.Equal(ZfsCapabilities.Legacy, CapabilityProbe.Probe(runner));
    }

    [Fact]
    public void Summary_uses_parsable_output_where_it_exists()
    {
        var runner = new ScriptedRunner().On(
            "zpool list -H -p -o name,health,size,allocated,free,capacity,fragmentation tank",
            "tank\tONLINE\t1000\t250\t750\t25\t3\n");
        var summary = new Zpool(runner, ZfsCapabilities.OpenZfs("2.1.11")).Summary("tank").Value;
        Assert.Equal(new PoolSummary("tank", "ONLINE", 1000, 250, 750, 25, 3), summary);
    }

    [Fact]
    public void Summary_reads_human_sizes_on_the_legacy_cli()
    {
        var runner = new ScriptedRunner().On("zpool list -H -o name,health,size,allocated,free,capacity tank", "tank\tONLINE\t123M\t432K\t123M\t0%\n");
        var summary = new Zpool(runner, ZfsCapabilities.Legacy).Summary("tank").Value;
        Assert.Equal(123L * 1024 * 1024, summary.Size);
        Assert.Null(summary.Fragmentation);
    }

    [Fact]
    public void A_failing_command_is_a_typed_error_naming_command_and_stderr()
    {
        var runner = new ScriptedRunner().On("zpool get -H -p -o property,value,source bogus tank", exit: 2, stderr: "bad property list: invalid property 'bogus'\nusage:\n\tget ...\n");
        var result = new Zpool(runner, ZfsCapabilities.OpenZfs("2.1")).Properties("tank", ["bogus"]);
        var error = Assert.IsType<ZfsCommandError>(result.Error);
        Assert.Equal("zpool get -H -p -o property,value,source bogus tank failed (exit 2): bad property list: invalid property 'bogus'", error.Message);
    }

    [Fact]
    public void An_empty_import_scan_is_not_an_error()
    {
        var fuse = new ScriptedRunner().On("zpool import -d /tmp/x", exit: 1);
        Assert.Empty(new Zpool(fuse, ZfsCapabilities.Legacy).Importable(["/tmp/x"]).Value);
        var openzfs = new ScriptedRunner().On("zpool import", exit: 1, stderr: "no pools available to import\n");
        Assert.Empty(new Zpool(openzfs, ZfsCapabilities.OpenZfs("2.3")).Importable([]).Value);
        var broken = new ScriptedRunner().On("zpool import", exit: 1, stderr: "permission denied\n");
        Assert.False(new Zpool(broken, ZfsCapabilities.OpenZfs("2.3")).Importable([]).IsOk);
    }

    [Fact]
    public void Every_action_becomes_one_exact_argv()
    {
        var declaration = PoolDeclaration.Named("tank") with
        {
            Topology = new PoolTopology([new TopLevelVdev(VdevClass.Data, VdevLayout.Mirror, ["/d/a", "/d/b"]), TopLevelVdev.Disk(VdevClass.Log, "/d/l")]),
            Properties = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("ashift", "12")]),
            FilesystemProperties = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("compression", "lz4")]),
            Mountpoint = "/srv/tank",
            Force = true,
        };
        Assert.Equal("zpool create -f -m /srv/tank -o ashift=12 -O compression=lz4 tank mirror /d/a /d/b log /d/l", ZpoolCommands.For(new CreatePool(declaration)).ToString());
        Assert.Equal("zpool import -d /v -R /mnt tank", ZpoolCommands.For(new ImportPool("tank", ["/v"], "/mnt")).ToString());
        Assert.Equal("zpool export tank", ZpoolCommands.For(new ExportPool("tank")).ToString());
        Assert.Equal("zpool destroy tank", ZpoolCommands.For(new DestroyPool("tank")).ToString());
        Assert.Equal("zpool add tank cache /d/c", ZpoolCommands.For(new AddVdevs("tank", new PoolTopology([TopLevelVdev.Disk(VdevClass.Cache, "/d/c")]), false)).ToString());
        Assert.Equal("zpool set 'comment=two words' tank", ZpoolCommands.For(new SetPoolProperty("tank", "comment", "two words")).ToString());
        Assert.Equal("zfs set atime=off tank", ZpoolCommands.For(new SetFilesystemProperty("tank", "atime", "off")).ToString());
    }

    [Fact]
    public void Arguments_are_never_split_or_interpreted()
    {
        var command = ZpoolCommands.For(new SetPoolProperty("tank", "comment", "$(reboot); rm -rf /"));
        Assert.Equal(["set", "comment=$(reboot); rm -rf /", "tank"], command.Arguments);
    }

    [Fact]
    public void The_process_runner_passes_argv_verbatim_and_reports_missing_programs()
    {
        var runner = new ProcessCommandRunner();
        var echoed = runner.Run(Command.Of("printf", "%s|", "a b", "$(x)", "-n"));
        Assert.Equal("a b|$(x)|-n|", echoed.StandardOutput);
        var missing = runner.Run(Command.Of("no-such-program-zfsansible"));
        Assert.Equal(127, missing.ExitCode);
        Assert.Contains("command not found", missing.StandardError);
    }

    [Fact]
    public void A_listing_read_line_by_line_hands_over_every_line_and_keeps_none()
    {
        var lines = new List<string>();
        var result = new ProcessCommandRunner().RunLines(Command.Of("sh", "-c", "seq 1 100000; echo oops >&2; exit 3"), line => lines.Add(line.ToString()));
        Assert.Equal(100000, lines.Count);
        Assert.Equal(("1", "100000"), (lines[0], lines[^1]));
        Assert.Equal((3, string.Empty, "oops\n"), (result.ExitCode, result.StandardOutput, result.StandardError));
        Assert.Equal(127, new ProcessCommandRunner().RunLines(Command.Of("no-such-program-zfsansible"), line => lines.Add(line.ToString())).ExitCode);
    }
}

public class ZfsExecutorTests
{
    private static readonly Command Destroy = Command.Of("zpool", "destroy", "tank");

    [Fact]
    public void A_busy_pool_is_tried_again_for_a_change_and_other_failures_are_not()
    {
        var busyOnce = new SequenceRunner([(1, "cannot destroy 'tank': pool is busy"), (0, string.Empty)]);
        Assert.True(new ZfsExecutor(busyOnce).Run(Destroy, CommandPolicy.RetryWhileBusy).IsOk);
        Assert.Equal(2, busyOnce.Calls);

        var denied = new SequenceRunner([(1, "permission denied"), (0, string.Empty)]);
        var failed = new ZfsExecutor(denied).Run(Destroy, CommandPolicy.RetryWhileBusy);
        Assert.Equal(ZfsFailure.Other, Assert.IsType<ZfsCommandError>(failed.Error).Failure);
        Assert.Equal(1, denied.Calls);
    }

    [Fact]
    public void A_command_run_once_is_not_retried_and_a_zpool_read_is()
    {
        var busy = new SequenceRunner([(1, "cannot open 'tank/x': pool is busy"), (0, string.Empty)]);
        Assert.Equal(ZfsFailure.Busy, Assert.IsType<ZfsCommandError>(new ZfsExecutor(busy).Read(Destroy).Error).Failure);
        Assert.Equal(1, busy.Calls);

        var busyPool = new SequenceRunner([(1, "cannot open 'tank': pool is busy"), (0, string.Empty)]);
        Assert.True(new Zpool(busyPool, ZfsCapabilities.Legacy).ImportedPools().IsOk);
        Assert.Equal(2, busyPool.Calls);
    }

    [Theory]
    [InlineData("cannot open 'tank/x': dataset does not exist", ZfsFailure.DoesNotExist)]
    [InlineData("cannot hold snapshot 'tank/x@a': tag already exists on this dataset", ZfsFailure.HoldExists)]
    [InlineData("cannot release hold from snapshot 'tank/x@a': no such tag on this dataset", ZfsFailure.NoSuchTag)]
    [InlineData("(on backup) cannot destroy 'tank': pool is busy", ZfsFailure.Busy)]
    [InlineData("permission denied", ZfsFailure.Other)]
    public void Failures_are_classified_once_and_only_a_tolerated_one_passes(string stderr, ZfsFailure expected)
    {
        var runner = new SequenceRunner([(1, stderr)]);
        var command = Command.Of("zfs", "hold", "t", "tank/x@a");
        Assert.Equal(expected, Assert.IsType<ZfsCommandError>(new ZfsExecutor(runner).Run(command, CommandPolicy.Once).Error).Failure);
        Assert.True(new ZfsExecutor(new SequenceRunner([(1, stderr)])).Run(command, CommandPolicy.Once.Tolerating(expected)).IsOk);
    }

    [Fact]
    public void An_empty_import_scan_is_nothing_to_import_not_an_error()
    {
        var scan = new ZfsExecutor(new SequenceRunner([(1, "no pools available to import")])).Run(Command.Of("zpool", "import"), CommandPolicy.Once);
        Assert.Equal(ZfsFailure.NothingToImport, Assert.IsType<ZfsCommandError>(scan.Error).Failure);
        var other = new ZfsExecutor(new SequenceRunner([(1, string.Empty)])).Run(Command.Of("zpool", "destroy", "x"), CommandPolicy.Once);
        Assert.Equal(ZfsFailure.Other, Assert.IsType<ZfsCommandError>(other.Error).Failure);
    }

    [Fact]
    public void Only_a_scan_that_finds_nothing_is_nothing_to_import()
    {
        var scan = new ZfsExecutor(new SequenceRunner([(1, string.Empty)])).Run(Command.Of("zpool", "import", "-d", "/dev/disk/by-id"), CommandPolicy.Once);
        Assert.Equal(ZfsFailure.NothingToImport, Assert.IsType<ZfsCommandError>(scan.Error).Failure);
        var named = new ZfsExecutor(new SequenceRunner([(1, string.Empty)])).Run(Command.Of("zpool", "import", "-d", "/dev", "tank"), CommandPolicy.Once);
        Assert.Equal(ZfsFailure.Other, Assert.IsType<ZfsCommandError>(named.Error).Failure);
    }

    [Fact]
    public void A_command_error_prints_its_message_not_the_whole_result()
    {
        var error = new ZfsCommandError(new CommandResult(Command.Of("zfs", "list"), 1, "secret stdout", "boom"));
        Assert.Equal("zfs list failed (exit 1): boom", error.ToString());
    }

    [Fact]
    public void Secret_arguments_are_masked_in_every_display_of_the_command()
    {
        var command = Command.Of("ssh", "-p", "22").WithSecretArguments("-i", "/root/.ssh/backup key").WithArguments("host", "zfs", "list");
        Assert.Equal(["-p", "22", "-i", "/root/.ssh/backup key", "host", "zfs", "list"], command.Arguments);
        Assert.Equal("ssh -p 22 <secret> <secret> host zfs list", command.ToString());
        var error = new ZfsCommandError(new CommandResult(command, 255, string.Empty, "Permission denied"));
        Assert.DoesNotContain("backup key", error.Message, StringComparison.Ordinal);
        Assert.Equal(command, Command.Of("ssh", "-p", "22").WithSecretArguments("-i", "/root/.ssh/backup key").WithArguments("host", "zfs", "list"));
    }

    private sealed class SequenceRunner((int Exit, string Err)[] answers) : ZfsAnsible.Zfs.Execution.ICommandRunner
    {
        public int Calls { get; private set; }

        public ZfsAnsible.Zfs.Execution.CommandResult Run(ZfsAnsible.Zfs.Execution.Command command)
        {
            var (exit, err) = answers[Math.Min(Calls++, answers.Length - 1)];
            return new(command, exit, string.Empty, err);
        }
    }
}

public class DatasetCommandsTests
{
    [Fact]
    public void Dataset_actions_become_exact_argv()
    {
        var create = new ZfsAnsible.Domain.Datasets.CreateDataset("tank/a/b", System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("compression", "on"), KeyValuePair.Create("zfsansible:policy", "standard")]));
        Assert.Equal("zfs create -p -o compression=on -o zfsansible:policy=standard tank/a/b", DatasetCommands.For(create).ToString());
        Assert.Equal(["set", "comment=$(x)", "tank/a"], DatasetCommands.For(new ZfsAnsible.Domain.Datasets.SetDatasetProperty("tank/a", "comment", "$(x)", null)).Arguments);
        Assert.Equal("zfs destroy tank/a", DatasetCommands.For(new ZfsAnsible.Domain.Datasets.DestroyDataset("tank/a")).ToString());
    }

    [Fact]
    public void Properties_of_many_datasets_come_from_one_zfs_get()
    {
        var runner = new ZfsAnsible.Testing.ScriptedRunner().On(
            "zfs get -H -p -o name,property,value,source compression,zfsansible:policy tank/a tank/b",
            "tank/a\tcompression\ton\tlocal\ntank/a\tzfsansible:policy\tstandard\tlocal\ntank/b\tcompression\toff\tdefault\ntank/b\tzfsansible:policy\t-\t-\n");
        var all = new ZfsDatasets(runner).PropertiesOf(["tank/a", "tank/b"], ["compression", "zfsansible:policy"]).Value;
        Assert.Equal("standard", all["tank/a"]["zfsansible:policy"].Value);
        Assert.Equal(PropertySource.Default, all["tank/b"]["compression"].Source);
        Assert.Single(runner.Ran);
    }
}

public class ZpoolVdevWordsTests
{
    [Fact]
    public void Zpool_words_put_data_vdevs_first_and_name_classes()
    {
        var topology = new PoolTopology([
            TopLevelVdev.Disk(VdevClass.Cache, "/c"),
            new TopLevelVdev(VdevClass.Log, VdevLayout.Mirror, ["/l1", "/l2"]),
            new TopLevelVdev(VdevClass.Data, VdevLayout.Raidz2, ["/a", "/b", "/c2"]),
            TopLevelVdev.Disk(VdevClass.Spare, "/s"),
            new TopLevelVdev(VdevClass.Special, VdevLayout.Mirror, ["/p1", "/p2"]),
        ]);
        Assert.Equal(
            ["raidz2", "/a", "/b", "/c2", "log", "mirror", "/l1", "/l2", "special", "mirror", "/p1", "/p2", "cache", "/c", "spare", "/s"],
            ZpoolCommands.VdevWords(topology));
    }

    [Fact]
    public void Each_class_word_is_given_once_for_all_its_vdevs()
    {
        var topology = new PoolTopology([
            TopLevelVdev.Disk(VdevClass.Spare, "/s1"),
            new TopLevelVdev(VdevClass.Log, VdevLayout.Mirror, ["/l1", "/l2"]),
            TopLevelVdev.Disk(VdevClass.Cache, "/c1"),
            new TopLevelVdev(VdevClass.Log, VdevLayout.Mirror, ["/l3", "/l4"]),
            TopLevelVdev.Disk(VdevClass.Data, "/a"),
            TopLevelVdev.Disk(VdevClass.Cache, "/c2"),
            TopLevelVdev.Disk(VdevClass.Spare, "/s2"),
            TopLevelVdev.Disk(VdevClass.Data, "/b"),
        ]);
        Assert.Equal(
            ["/a", "/b", "log", "mirror", "/l1", "/l2", "mirror", "/l3", "/l4", "cache", "/c1", "/c2", "spare", "/s1", "/s2"],
            ZpoolCommands.VdevWords(topology));
    }
}
