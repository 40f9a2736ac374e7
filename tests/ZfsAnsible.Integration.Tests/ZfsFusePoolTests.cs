using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>The pool scenarios on zfs-fuse, plus what only this machine can show: the old CLI's fallbacks,
/// the aarch64 build chosen for an aarch64 target (qemu-user), ad-hoc string arguments.</summary>
public sealed class ZfsFusePoolTests() : ZfsPoolScenarios(new ZfsSandbox())
{
    private ZfsSandbox Sandbox => (ZfsSandbox)Target;

    protected override string SearchDirectories => $"[\"{Sandbox.Directory}\"]";

    [Fact]
    public void The_capability_probe_chooses_the_legacy_fallbacks()
    {
        var run = Run(MirrorTask(Sandbox.Vdevs(2)));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("zfs-fuse / legacy", run.Result()["zfs_implementation"]!.GetValue<string>());
        Assert.Null(run.Result()["pool"]!["fragmentation"]);
    }

    [Fact]
    public void Ad_hoc_string_arguments_are_coerced_like_ansible_does()
    {
        var vdevs = Sandbox.Vdevs(1);
        var env = new Dictionary<string, string> { ["ANSIBLE_COLLECTIONS_PATH"] = Repository.CollectionsPath, ["ANSIBLE_LOCALHOST_WARNING"] = "0" };
        var created = Processes.Run("ansible", ["localhost", "-c", "local", "-m", "zfsansible.zfs.zfs_pool", "-a", $$"""{"name": "{{Pool}}", "vdevs": [{"devices": "{{vdevs[0]}}"}], "force": "yes", "add_vdevs": "no", "mountpoint": "{{Sandbox.Directory}}/mnt"}"""], env);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(Sandbox.PoolExists(Pool));

        var exported = Processes.Run("ansible", ["localhost", "-c", "local", "-m", "zfsansible.zfs.zfs_pool", "-a", $"name={Pool} state=exported"], env);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.False(Sandbox.PoolExists(Pool));

        var wrong = Processes.Run("ansible", ["localhost", "-c", "local", "-m", "zfsansible.zfs.zfs_pool", "-a", $"name={Pool} force=perhaps"], env);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("unable to convert to bool", wrong.StandardOutput);
    }

    [Fact]
    public void An_aarch64_target_gets_the_arm64_build()
    {
        // A target whose uname says aarch64: the dispatch must choose the arm64 binary, which runs under qemu-user (binfmt).
        var env = FakeUname.Aarch64(Sandbox.Directory);

        var vdevs = Sandbox.Vdevs(2);
        var run = AnsiblePlaybook.Run(MirrorTask(vdevs), ["-i", "localhost,", "-c", "local"], env);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("linux-arm64", run.Result()["module_build"]!.GetValue<string>());
        Assert.True(Sandbox.PoolExists(Pool));
        Assert.Equal(0, AnsiblePlaybook.Run(MirrorTask(vdevs), ["-i", "localhost,", "-c", "local"], env).Changed);
    }

    [Fact]
    public void An_unsupported_target_fails_with_a_clear_message()
    {
        var run = AnsiblePlaybook.Run(MirrorTask(Sandbox.Vdevs(2)), ["-i", "localhost,", "-c", "local"], new Dictionary<string, string> { ["PATH"] = PathWithMachine("armv7l") });
        Assert.Equal(1, run.Failures);
        Assert.Contains("no native build for target architecture armv7l", run.Result()["msg"]!.GetValue<string>());
        Assert.False(Sandbox.PoolExists(Pool));
    }

    private string PathWithMachine(string machine) => FakeUname.Path(Sandbox.Directory, machine);
}
