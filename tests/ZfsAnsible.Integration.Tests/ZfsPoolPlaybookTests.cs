using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>zfsansible.zfs.zfs_pool through real ansible-playbook on zfs-fuse: what a user would run.</summary>
public sealed class ZfsPoolPlaybookTests : IDisposable
{
    private readonly ZfsSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private string Pool => _sandbox.Pool();

    private static string Devices(IEnumerable<string> devices) => "[" + string.Join(", ", devices.Select(d => $"\"{d}\"")) + "]";

    /// <summary>A zfs_pool task with a mirror of vdev1+vdev2 plus extra option lines.</summary>
    private string MirrorTask(IReadOnlyList<string> vdevs, string extra = "") => AnsiblePlaybook.Play($"""
              zfsansible.zfs.zfs_pool:
                name: {Pool}
                vdevs:
                  - type: mirror
                    devices: {Devices(vdevs.Take(2))}
                mountpoint: {_sandbox.Directory}/mnt
                search_directories: ["{_sandbox.Directory}"]
        {extra}
        """);

    private static PlaybookRun Run(string playbook, params string[] options) => AnsiblePlaybook.Run(playbook, options);

    [Fact]
    public void A_mirror_is_created_and_the_second_run_changes_nothing()
    {
        var vdevs = _sandbox.Vdevs(2);
        var first = Run(MirrorTask(vdevs));
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, first.Changed);
        var pool = first.Result()["pool"]!;
        Assert.Equal("ONLINE", pool["health"]!.GetValue<string>());
        Assert.Equal("mirror", pool["vdevs"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("linux-x64", first.Result()["module_build"]!.GetValue<string>());
        Assert.Contains("mirror-0", _sandbox.Zpool("status", Pool).StandardOutput);

        var second = Run(MirrorTask(vdevs));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(0, second.Changed);
    }

    [Fact]
    public void Check_mode_reports_the_change_and_makes_none()
    {
        var vdevs = _sandbox.Vdevs(2);
        var before = _sandbox.StateFingerprint();
        var run = Run(MirrorTask(vdevs), "--check");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(1, run.Changed);
        Assert.StartsWith("would have created pool", run.Result()["msg"]!.GetValue<string>());
        Assert.False(_sandbox.PoolExists(Pool));
        Assert.Equal(before, _sandbox.StateFingerprint());
    }

    [Fact]
    public void Diff_mode_shows_before_and_after()
    {
        var vdevs = _sandbox.Vdevs(2);
        Assert.Equal(0, Run(MirrorTask(vdevs)).ExitCode);
        var changed = Run(MirrorTask(vdevs, "        filesystem_properties: { compression: \"on\" }"), "--diff");
        Assert.Equal(1, changed.Changed);
        var diff = changed.Result()["diff"]!;
        var entry = diff is JsonArray list ? list[0]! : diff;
        Assert.Equal("off", entry["before"]!["filesystem_properties"]!["compression"]!.GetValue<string>());
        Assert.Equal("on", entry["after"]!["filesystem_properties"]!["compression"]!.GetValue<string>());
        Assert.Equal("on", _sandbox.Zfs("get", "-H", "-o", "value", "compression", Pool).StandardOutput.Trim());
        Assert.Equal(0, Run(MirrorTask(vdevs, "        filesystem_properties: { compression: \"on\" }")).Changed);
    }

    [Fact]
    public void Export_and_import_move_the_pool_and_are_idempotent()
    {
        var vdevs = _sandbox.Vdevs(2);
        Assert.Equal(0, Run(MirrorTask(vdevs)).ExitCode);

        string StateTask(string state) => AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_pool:
                    name: {Pool}
                    state: {state}
                    search_directories: ["{_sandbox.Directory}"]
            """);

        var exported = Run(StateTask("exported"));
        Assert.Equal(1, exported.Changed);
        Assert.False(_sandbox.PoolExists(Pool));
        Assert.Null(exported.Result()["pool"]);
        Assert.Equal(0, Run(StateTask("exported")).Changed);

        var imported = Run(StateTask("imported"));
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Equal(1, imported.Changed);
        Assert.True(_sandbox.PoolExists(Pool));
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
        var vdevs = _sandbox.Vdevs(2);
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
        Assert.True(_sandbox.PoolExists(Pool));

        var checkDestroy = Run(Absent(allowDestroy: true), "--check");
        Assert.Equal(1, checkDestroy.Changed);
        Assert.True(_sandbox.PoolExists(Pool));

        var destroyed = Run(Absent(allowDestroy: true));
        Assert.True(destroyed.ExitCode == 0, destroyed.ToString());
        Assert.Equal(1, destroyed.Changed);
        Assert.False(_sandbox.PoolExists(Pool));
        Assert.Equal(0, Run(absent).Changed);
    }

    [Fact]
    public void A_labelled_device_is_refused_without_force()
    {
        var vdevs = _sandbox.Vdevs(2);
        var old = _sandbox.Pool("old");
        Processes.Check("zpool", "create", "-m", "none", old, vdevs[0]);
        _sandbox.Destroy(old);
        var before = _sandbox.StateFingerprint();

        var refused = Run(MirrorTask(vdevs));
        Assert.Equal(1, refused.Failures);
        var msg = refused.Result()["msg"]!.GetValue<string>();
        Assert.Contains($"{vdevs[0]} carries a ZFS label (pool {old})", msg);
        Assert.Contains("force: true", msg);
        Assert.Equal(before, _sandbox.StateFingerprint());

        var forced = Run(MirrorTask(vdevs, "        force: true"));
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.True(_sandbox.PoolExists(Pool));
    }

    [Fact]
    public void A_device_of_an_imported_pool_is_refused_even_with_force()
    {
        var vdevs = _sandbox.Vdevs(3);
        var other = _sandbox.Pool("busy");
        Processes.Check("zpool", "create", "-m", "none", other, vdevs[1]);
        var run = Run(MirrorTask(vdevs, "        force: true"));
        Assert.Equal(1, run.Failures);
        Assert.Contains($"is in use (member of imported pool {other})", run.Result()["msg"]!.GetValue<string>());
        Assert.False(_sandbox.PoolExists(Pool));
        Assert.True(_sandbox.PoolExists(other));
    }

    [Fact]
    public void A_different_topology_is_reported_and_never_repaired_and_add_vdevs_adds()
    {
        var vdevs = _sandbox.Vdevs(3);
        Assert.Equal(0, Run(MirrorTask(vdevs)).ExitCode);
        var withLog = $"        log:\n          - devices: [\"{vdevs[2]}\"]";

        var refused = Run(MirrorTask(vdevs, withLog));
        Assert.Equal(1, refused.Failures);
        Assert.Contains("set add_vdevs: true", refused.Result()["msg"]!.GetValue<string>());
        Assert.DoesNotContain("logs", _sandbox.Zpool("status", Pool).StandardOutput);

        var added = Run(MirrorTask(vdevs, withLog + "\n        add_vdevs: true"));
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal(1, added.Changed);
        Assert.Contains("logs", _sandbox.Zpool("status", Pool).StandardOutput);
        Assert.Equal(0, Run(MirrorTask(vdevs, withLog + "\n        add_vdevs: true")).Changed);

        // Declaring fewer vdevs than the pool has never removes one.
        var fewer = Run(MirrorTask(vdevs));
        Assert.Equal(1, fewer.Failures);
        Assert.Contains("in the pool but not declared: log stripe", fewer.Result()["msg"]!.GetValue<string>());
        Assert.Contains("logs", _sandbox.Zpool("status", Pool).StandardOutput);
    }

    [Fact]
    public void A_link_to_a_device_is_the_same_device()
    {
        var vdevs = _sandbox.Vdevs(2);
        Assert.Equal(0, Run(MirrorTask(vdevs)).ExitCode);
        var links = vdevs.Select(v =>
        {
            var link = v + "-by-id";
            File.CreateSymbolicLink(link, v);
            return link;
        }).ToList();
        var run = Run(MirrorTask([links[1], links[0]]));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, run.Changed);
    }

    [Fact]
    public void Ad_hoc_string_arguments_are_coerced_like_ansible_does()
    {
        var vdevs = _sandbox.Vdevs(1);
        var env = new Dictionary<string, string> { ["ANSIBLE_COLLECTIONS_PATH"] = Repository.CollectionsPath, ["ANSIBLE_LOCALHOST_WARNING"] = "0" };
        var created = Processes.Run("ansible", ["localhost", "-c", "local", "-m", "zfsansible.zfs.zfs_pool", "-a", $$"""{"name": "{{Pool}}", "vdevs": [{"devices": "{{vdevs[0]}}"}], "force": "yes", "add_vdevs": "no", "mountpoint": "{{_sandbox.Directory}}/mnt"}"""], env);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(_sandbox.PoolExists(Pool));

        var exported = Processes.Run("ansible", ["localhost", "-c", "local", "-m", "zfsansible.zfs.zfs_pool", "-a", $"name={Pool} state=exported"], env);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.False(_sandbox.PoolExists(Pool));

        var wrong = Processes.Run("ansible", ["localhost", "-c", "local", "-m", "zfsansible.zfs.zfs_pool", "-a", $"name={Pool} force=perhaps"], env);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("unable to convert to bool", wrong.StandardOutput);
    }

    [Fact]
    public void An_aarch64_target_gets_the_arm64_build()
    {
        // A target whose uname says aarch64: the dispatch must choose the arm64 binary, which runs under qemu-user (binfmt).
        var env = new Dictionary<string, string>
        {
            ["PATH"] = PathWithMachine("aarch64"),
            ["QEMU_LD_PREFIX"] = "/usr/aarch64-linux-gnu",
        };

        var vdevs = _sandbox.Vdevs(2);
        var run = AnsiblePlaybook.Run(MirrorTask(vdevs), environment: env);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("linux-arm64", run.Result()["module_build"]!.GetValue<string>());
        Assert.True(_sandbox.PoolExists(Pool));
        Assert.Equal(0, AnsiblePlaybook.Run(MirrorTask(vdevs), environment: env).Changed);
    }

    [Fact]
    public void An_unsupported_target_fails_with_a_clear_message()
    {
        var run = AnsiblePlaybook.Run(MirrorTask(_sandbox.Vdevs(2)), environment: new Dictionary<string, string> { ["PATH"] = PathWithMachine("armv7l") });
        Assert.Equal(1, run.Failures);
        Assert.Contains("no native build for target architecture armv7l", run.Result()["msg"]!.GetValue<string>());
        Assert.False(_sandbox.PoolExists(Pool));
    }

    /// <summary>A PATH whose first "uname" reports another machine, so the collection's detection sees that target.</summary>
    private string PathWithMachine(string machine)
    {
        var fakeBin = Path.Combine(_sandbox.Directory, "fake-bin");
        Directory.CreateDirectory(fakeBin);
        var uname = Path.Combine(fakeBin, "uname");
        File.WriteAllText(uname, $"#!/bin/sh\ncase \"$1\" in -m) echo {machine} ;; *) /bin/uname \"$@\" ;; esac\n");
        File.SetUnixFileMode(uname, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return fakeBin + ":" + Environment.GetEnvironmentVariable("PATH");
    }
}
