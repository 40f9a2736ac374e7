using System.Collections.Immutable;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Tests;

public class PoolPlannerTests
{
    private static readonly PoolTopology Mirror = new([new TopLevelVdev(VdevClass.Data, VdevLayout.Mirror, ["/d/a", "/d/b"])]);

    private static PoolDeclaration Declare(PoolState state = PoolState.Present, PoolTopology? topology = null) =>
        PoolDeclaration.Named("tank", state) with { Topology = topology ?? Mirror };

    private static ImmutableDictionary<string, DeviceReport> Clean(params string[] devices) =>
        devices.ToImmutableDictionary(d => d, DeviceReport.Clean);

    private static PoolObservation Imported(PoolTopology topology, IReadOnlyDictionary<string, ObservedProperty>? properties = null, IReadOnlyDictionary<string, ObservedProperty>? filesystem = null) =>
        new(PoolPresence.Imported, topology, properties ?? ImmutableDictionary<string, ObservedProperty>.Empty,
            filesystem ?? ImmutableDictionary<string, ObservedProperty>.Empty, Clean(), ImmutableDictionary<string, string>.Empty);

    [Fact]
    public void A_missing_pool_is_created_from_clean_devices()
    {
        var plan = PoolPlanner.Plan(Declare(), PoolObservation.Absent(Clean("/d/a", "/d/b")));
        Assert.IsType<CreatePool>(Assert.Single(plan.Value.Actions));
    }

    [Fact]
    public void A_missing_pool_without_vdevs_cannot_be_created()
    {
        var plan = PoolPlanner.Plan(PoolDeclaration.Named("tank"), PoolObservation.Absent(Clean()));
        Assert.Contains("no vdevs declared", plan.Error!.Message);
    }

    [Fact]
    public void A_pool_needs_a_data_vdev()
    {
        var cacheOnly = new PoolTopology([TopLevelVdev.Disk(VdevClass.Cache, "/d/a")]);
        var plan = PoolPlanner.Plan(Declare(topology: cacheOnly), PoolObservation.Absent(Clean("/d/a")));
        Assert.Contains("at least one data vdev", plan.Error!.Message);
    }

    [Fact]
    public void A_labelled_device_is_refused_without_force_and_accepted_with_it()
    {
        var labelled = Clean("/d/a", "/d/b").SetItem("/d/a", DeviceReport.Clean("/d/a") with { Signatures = ["a ZFS label (pool old)"] });
        var refused = PoolPlanner.Plan(Declare(), PoolObservation.Absent(labelled));
        Assert.Contains("/d/a carries a ZFS label (pool old)", refused.Error!.Message);
        Assert.Contains("force: true", refused.Error.Message);

        var forced = PoolPlanner.Plan(Declare() with { Force = true }, PoolObservation.Absent(labelled));
        Assert.IsType<CreatePool>(Assert.Single(forced.Value.Actions));
    }

    [Fact]
    public void A_device_in_use_is_refused_even_with_force()
    {
        var busy = Clean("/d/a", "/d/b").SetItem("/d/b", DeviceReport.Clean("/d/b") with { InUseBy = "member of imported pool other" });
        var plan = PoolPlanner.Plan(Declare() with { Force = true }, PoolObservation.Absent(busy));
        Assert.Contains("/d/b is in use (member of imported pool other)", plan.Error!.Message);
    }

    [Fact]
    public void Two_paths_to_one_disk_are_refused()
    {
        var reports = Clean("/d/a").Add("/d/by-id/a", DeviceReport.Clean("/d/by-id/a") with { Identity = "/d/a" });
        var topology = new PoolTopology([new TopLevelVdev(VdevClass.Data, VdevLayout.Mirror, ["/d/a", "/d/by-id/a"])]);
        var plan = PoolPlanner.Plan(Declare(topology: topology), PoolObservation.Absent(reports));
        Assert.Contains("are the same device", plan.Error!.Message);
    }

    [Fact]
    public void A_disk_and_its_own_partition_are_refused_together()
    {
        var reports = Clean("/d/a").Add("/d/a1", DeviceReport.Clean("/d/a1") with { WholeDisk = "/d/a" });
        var topology = new PoolTopology([TopLevelVdev.Disk(VdevClass.Data, "/d/a"), TopLevelVdev.Disk(VdevClass.Log, "/d/a1")]);
        var plan = PoolPlanner.Plan(Declare(topology: topology) with { Force = true }, PoolObservation.Absent(reports));
        Assert.Contains("/d/a1 is a partition of /d/a, which is declared too", plan.Error!.Message);
    }

    [Fact]
    public void A_matching_pool_needs_nothing()
    {
        var plan = PoolPlanner.Plan(Declare(), Imported(Mirror));
        Assert.Empty(plan.Value.Actions);
    }

    [Fact]
    public void Device_order_and_link_spelling_do_not_make_a_difference()
    {
        var actual = new PoolTopology([new TopLevelVdev(VdevClass.Data, VdevLayout.Mirror, ["/dev/sdb1", "/d/a"])]);
        var observed = Imported(actual) with { Identities = new Dictionary<string, string> { ["/dev/sdb1"] = "/d/b" } };
        Assert.Empty(PoolPlanner.Plan(Declare(), observed).Value.Actions);
    }

    [Fact]
    public void An_extra_vdev_in_the_pool_fails_and_is_never_removed()
    {
        var actual = new PoolTopology([.. Mirror.Vdevs, TopLevelVdev.Disk(VdevClass.Log, "/d/log")]);
        var plan = PoolPlanner.Plan(Declare(), Imported(actual));
        Assert.Contains("in the pool but not declared: log stripe [/d/log]", plan.Error!.Message);
    }

    [Fact]
    public void A_missing_vdev_fails_unless_add_vdevs_is_set()
    {
        var declared = new PoolTopology([.. Mirror.Vdevs, TopLevelVdev.Disk(VdevClass.Cache, "/d/c")]);
        var refused = PoolPlanner.Plan(Declare(topology: declared), Imported(Mirror));
        Assert.Contains("set add_vdevs: true", refused.Error!.Message);

        var observed = Imported(Mirror) with { Devices = Clean().Add("/d/c", DeviceReport.Clean("/d/c") with { IsBlockDevice = true }) };
        var added = PoolPlanner.Plan(Declare(topology: declared) with { AddVdevs = true }, observed);
        var add = Assert.IsType<AddVdevs>(Assert.Single(added.Value.Actions));
        Assert.Equal("cache stripe [/d/c]", Assert.Single(add.Vdevs.Vdevs).ToString());
    }

    [Fact]
    public void A_file_is_refused_as_a_cache_device()
    {
        var topology = new PoolTopology([.. Mirror.Vdevs, TopLevelVdev.Disk(VdevClass.Cache, "/d/c")]);
        var plan = PoolPlanner.Plan(Declare(topology: topology), PoolObservation.Absent(Clean("/d/a", "/d/b", "/d/c")));
        Assert.Contains("/d/c is not a block device", plan.Error!.Message);
    }

    [Fact]
    public void Added_devices_pass_the_same_safety_check()
    {
        var declared = new PoolTopology([.. Mirror.Vdevs, TopLevelVdev.Disk(VdevClass.Log, "/d/l")]);
        var observed = Imported(Mirror) with { Devices = Clean().Add("/d/l", DeviceReport.Clean("/d/l") with { Signatures = ["a ext4 signature"] }) };
        var plan = PoolPlanner.Plan(Declare(topology: declared) with { AddVdevs = true }, observed);
        Assert.Contains("carries a ext4 signature", plan.Error!.Message);
    }

    [Fact]
    public void Properties_that_differ_are_set_and_equal_ones_left_alone()
    {
        var declared = Declare() with
        {
            Properties = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("autoexpand", "on"), KeyValuePair.Create("failmode", "continue")]),
            FilesystemProperties = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("recordsize", "1M")]),
        };
        var observed = Imported(
            Mirror,
            new Dictionary<string, ObservedProperty> { ["autoexpand"] = new("ON", PropertySource.Local), ["failmode"] = new("wait", PropertySource.Default) },
            new Dictionary<string, ObservedProperty> { ["recordsize"] = new("1048576", PropertySource.Local) });
        var action = Assert.Single(PoolPlanner.Plan(declared, observed).Value.Actions);
        Assert.Equal(new SetPoolProperty("tank", "failmode", "continue"), action);
    }

    [Fact]
    public void Creation_only_properties_warn_instead_of_changing()
    {
        var declared = Declare() with { Properties = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("ashift", "12")]) };
        var observed = Imported(Mirror, new Dictionary<string, ObservedProperty> { ["ashift"] = new("9", PropertySource.Local) });
        var plan = PoolPlanner.Plan(declared, observed).Value;
        Assert.Empty(plan.Actions);
        Assert.Contains("applies only at creation", Assert.Single(plan.Warnings));
    }

    [Fact]
    public void Absent_needs_allow_destroy()
    {
        var refused = PoolPlanner.Plan(Declare(PoolState.Absent), Imported(Mirror));
        Assert.Contains("allow_destroy: true", refused.Error!.Message);

        var allowed = PoolPlanner.Plan(Declare(PoolState.Absent) with { AllowDestroy = true }, Imported(Mirror));
        Assert.Equal(new DestroyPool("tank"), Assert.Single(allowed.Value.Actions));
    }

    [Fact]
    public void Absent_on_a_missing_pool_is_nothing_to_do() =>
        Assert.Empty(PoolPlanner.Plan(Declare(PoolState.Absent), PoolObservation.Absent(Clean())).Value.Actions);

    [Fact]
    public void Exported_and_imported_move_the_pool_and_never_create_it()
    {
        Assert.Equal(new ExportPool("tank"), Assert.Single(PoolPlanner.Plan(Declare(PoolState.Exported), Imported(Mirror)).Value.Actions));
        Assert.Empty(PoolPlanner.Plan(Declare(PoolState.Exported), PoolObservation.Exported(Clean())).Value.Actions);
        Assert.IsType<ImportPool>(Assert.Single(PoolPlanner.Plan(Declare(PoolState.Imported), PoolObservation.Exported(Clean())).Value.Actions));
        Assert.Contains("no pool named tank to import", PoolPlanner.Plan(Declare(PoolState.Imported), PoolObservation.Absent(Clean("/d/a", "/d/b"))).Error!.Message);
        Assert.Contains("neither imported nor found", PoolPlanner.Plan(Declare(PoolState.Exported), PoolObservation.Absent(Clean())).Error!.Message);
    }

    [Fact]
    public void Present_imports_an_exported_pool_instead_of_creating_over_it() =>
        Assert.IsType<ImportPool>(Assert.Single(PoolPlanner.Plan(Declare(), PoolObservation.Exported(Clean("/d/a", "/d/b"))).Value.Actions));

    [Fact]
    public void The_snapshot_after_a_plan_shows_what_will_change()
    {
        var declared = Declare() with { FilesystemProperties = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("compression", "lz4")]) };
        var observed = PoolObservation.Absent(Clean("/d/a", "/d/b"));
        var plan = PoolPlanner.Plan(declared, observed).Value;
        var before = PoolSnapshot.Of(declared, observed);
        var after = before.After(plan);
        Assert.Equal(PoolPresence.Absent, before.State);
        Assert.Equal(PoolPresence.Imported, after.State);
        Assert.Equal(["mirror [/d/a, /d/b]"], after.Vdevs);
        Assert.Equal("lz4", after.FilesystemProperties["compression"]);
    }
}
