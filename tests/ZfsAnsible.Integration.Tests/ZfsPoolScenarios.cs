using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// zfsansible.zfs.zfs_pool through real ansible-playbook, as a user runs it; every scenario runs against
/// zfs-fuse on this machine and against OpenZFS 2.x in the QEMU guest over SSH (the derived classes).
/// </summary>
public abstract class ZfsPoolScenarios(IZfsTarget target) : IDisposable
{
    protected IZfsTarget Target => target;

    public void Dispose()
    {
        target.Dispose();
        GC.SuppressFinalize(this);
    }

    protected string Pool => target.Pool();

    private static string Devices(IEnumerable<string> devices) => "[" + string.Join(", ", devices.Select(d => $"\"{d}\"")) + "]";

    /// <summary>A zfs_pool task with a mirror of vdev1+vdev2 plus extra option lines.</summary>
    protected string MirrorTask(IReadOnlyList<string> vdevs, string extra = "") => AnsiblePlaybook.Play($"""
              zfsansible.zfs.zfs_pool:
                name: {Pool}
                vdevs:
                  - type: mirror
                    devices: {Devices(vdevs.Take(2))}
                mountpoint: {target.Scratch}/mnt
                search_directories: {SearchDirectories}
        {extra}
        """);

    /// <summary>Where an import scan finds this target's vdevs: the file folder, or the default /dev scan.</summary>
    protected abstract string SearchDirectories { get; }

    protected PlaybookRun Run(string playbook, params string[] options) => target.Play(playbook, options);

    [Fact]
    public void A_mirror_is_created_and_the_second_run_changes_nothing()
    {
        var vdevs = target.Vdevs(2);
        var first = Run(MirrorTask(vdevs));
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, first.Changed);
        var pool = first.Result()["pool"]!;
        Assert.Equal("ONLINE", pool["health"]!.GetValue<string>());
        Assert.Equal("mirror", pool["vdevs"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("linux-x64", first.Result()["module_build"]!.GetValue<string>());
        Assert.Contains("mirror-0", target.Run("zpool", "status", Pool).StandardOutput);

        var second = Run(MirrorTask(vdevs));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(0, second.Changed);
    }

    [Fact]
    public void Check_mode_reports_the_change_and_makes_none()
    {
        var vdevs = target.Vdevs(2);
        var before = target.StateFingerprint();
        var run = Run(MirrorTask(vdevs), "--check");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(1, run.Changed);
        Assert.StartsWith("would have created pool", run.Result()["msg"]!.GetValue<string>());
        Assert.False(target.PoolExists(Pool));
        Assert.Equal(before, target.StateFingerprint());
    }

    [Fact]
    public void Diff_mode_shows_before_and_after()
    {
        var vdevs = target.Vdevs(2);
        Assert.Equal(0, Run(MirrorTask(vdevs)).ExitCode);
        var changed = Run(MirrorTask(vdevs, "        filesystem_properties: { compression: gzip }"), "--diff");
        Assert.Equal(1, changed.Changed);
        var diff = changed.Result()["diff"]!;
        var entry = diff is JsonArray list ? list[0]! : diff;
        Assert.NotEqual("gzip", entry["before"]!["filesystem_properties"]!["compression"]!.GetValue<string>());
        Assert.Equal("gzip", entry["after"]!["filesystem_properties"]!["compression"]!.GetValue<string>());
        Assert.Equal("gzip", target.Run("zfs", "get", "-H", "-o", "value", "compression", Pool).StandardOutput.Trim());
        Assert.Equal(0, Run(MirrorTask(vdevs, "        filesystem_properties: { compression: gzip }")).Changed);
    }

    [Fact]
    public void Export_and_import_move_the_pool_and_are_idempotent()
    {
        var vdevs = target.Vdevs(2);
        Assert.Equal(0, Run(MirrorTask(vdevs)).ExitCode);

        string StateTask(string state) => AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_pool:
                    name: {Pool}
                    state: {state}
                    search_directories: {SearchDirectories}
            """);

        var exported = Run(StateTask("exported"));
        Assert.Equal(1, exported.Changed);
        Assert.False(target.PoolExists(Pool));
        Assert.Null(exported.Result()["pool"]);
        Assert.Equal(0, Run(StateTask("exported")).Changed);

        var imported = Run(StateTask("imported"));
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Equal(1, imported.Changed);
        Assert.True(target.PoolExists(Pool));
        Assert.Equal(0, Run(StateTask("imported")).Changed);

        // present on an exported pool imports it rather than writing a new pool over its disks.
        Assert.Equal(1, Run(StateTask("exported")).Changed);
        var present = Run(MirrorTask(vdevs));
        Assert.True(present.ExitCode == 0, present.ToString());
        Assert.Contains("imported pool", present.Result()["msg"]!.GetValue<string>());
        Assert.Equal(0, Run(MirrorTask(vdevs)).Changed);
    }

    [Fact]
    public void Absent_without_allow_destroy_is_refused_and_the_pool_survives()
    {
        var vdevs = target.Vdevs(2);
        Assert.Equal(0, Run(MirrorTask(vdevs)).ExitCode);
        string Absent(bool allowDestroy) => AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_pool:
                    name: {Pool}
                    state: absent
                    allow_destroy: {(allowDestroy ? "true" : "false")}
            """);
        var absent = Absent(allowDestroy: false);

        var refused = Run(absent);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Equal(1, refused.Failures);
        Assert.Contains("allow_destroy: true", refused.Result()["msg"]!.GetValue<string>());
        Assert.True(target.PoolExists(Pool));

        var checkDestroy = Run(Absent(allowDestroy: true), "--check");
        Assert.Equal(1, checkDestroy.Changed);
        Assert.True(target.PoolExists(Pool));

        var destroyed = Run(Absent(allowDestroy: true));
        Assert.True(destroyed.ExitCode == 0, destroyed.ToString());
        Assert.Equal(1, destroyed.Changed);
        Assert.False(target.PoolExists(Pool));
        Assert.Equal(0, Run(absent).Changed);
    }

    [Fact]
    public void A_labelled_device_is_refused_without_force()
    {
        var vdevs = target.Vdevs(2);
        var old = target.Pool("old");
        target.Check("zpool", "create", "-m", "none", old, vdevs[0]);
        target.Destroy(old);
        var before = target.StateFingerprint();

        var refused = Run(MirrorTask(vdevs));
        Assert.Equal(1, refused.Failures);
        var msg = refused.Result()["msg"]!.GetValue<string>();
        // zfs-fuse labels the file itself; OpenZFS partitions a whole disk first, so blkid sees the table.
        Assert.Matches($"{System.Text.RegularExpressions.Regex.Escape(vdevs[0])} carries (a ZFS label \\(pool {old}\\)|a gpt partition table)", msg);
        Assert.Contains("force: true", msg);
        Assert.Equal(before, target.StateFingerprint());

        var forced = Run(MirrorTask(vdevs, "        force: true"));
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.True(target.PoolExists(Pool));
    }

    [Fact]
    public void A_device_of_an_imported_pool_is_refused_even_with_force()
    {
        var vdevs = target.Vdevs(3);
        var other = target.Pool("busy");
        target.Check("zpool", "create", "-m", "none", other, vdevs[1]);
        var run = Run(MirrorTask(vdevs, "        force: true"));
        Assert.Equal(1, run.Failures);
        Assert.Contains($"is in use (member of imported pool {other})", run.Result()["msg"]!.GetValue<string>());
        Assert.False(target.PoolExists(Pool));
        Assert.True(target.PoolExists(other));
    }

    [Fact]
    public void A_different_topology_is_reported_and_never_repaired_and_add_vdevs_adds()
    {
        var vdevs = target.Vdevs(3);
        Assert.Equal(0, Run(MirrorTask(vdevs)).ExitCode);
        var withLog = $"        log:\n          - devices: [\"{vdevs[2]}\"]";

        var refused = Run(MirrorTask(vdevs, withLog));
        Assert.Equal(1, refused.Failures);
        Assert.Contains("set add_vdevs: true", refused.Result()["msg"]!.GetValue<string>());
        Assert.DoesNotContain("logs", target.Run("zpool", "status", Pool).StandardOutput);

        var added = Run(MirrorTask(vdevs, withLog + "\n        add_vdevs: true"));
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal(1, added.Changed);
        Assert.Contains("logs", target.Run("zpool", "status", Pool).StandardOutput);
        Assert.Equal(0, Run(MirrorTask(vdevs, withLog + "\n        add_vdevs: true")).Changed);

        // Declaring fewer vdevs than the pool has never removes one.
        var fewer = Run(MirrorTask(vdevs));
        Assert.Equal(1, fewer.Failures);
        Assert.Contains("in the pool but not declared: log stripe", fewer.Result()["msg"]!.GetValue<string>());
        Assert.Contains("logs", target.Run("zpool", "status", Pool).StandardOutput);
    }

    [Fact]
    public void A_link_to_a_device_is_the_same_device()
    {
        var vdevs = target.Vdevs(2);
        Assert.Equal(0, Run(MirrorTask(vdevs)).ExitCode);
        var others = vdevs.Select(target.OtherPathTo).ToList();
        var run = Run(MirrorTask([others[1], others[0]]));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, run.Changed);
    }
}
