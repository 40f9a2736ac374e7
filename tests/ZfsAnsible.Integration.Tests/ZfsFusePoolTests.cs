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

    /// <summary>zfs-fuse's answer is kept like OpenZFS's: both its programs refuse what they lack, so the answer lasts
    /// until zfs changes, and the module and the commands believe the kept one.</summary>
    [Fact]
    public void The_probe_on_zfs_fuse_is_kept_and_believed()
    {
        const string cache = "/run/zfsansible/zfs-version.cache";
        File.Delete(cache);
        var probed = Run(MirrorTask(Sandbox.Vdevs(2)));
        Assert.True(probed.ExitCode == 0, probed.ToString());
        var kept = File.ReadAllLines(cache);
        Assert.Equal("legacy", kept[2]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cache));

        // An answer only the kept file gives: the command takes it from there, not from asking zfs-fuse again.
        try
        {
            File.WriteAllLines(cache, [kept[0], kept[1], "pre-0.8"]);
            var probe = Processes.Run(Repository.Executable("zfs_pool", "linux-x64"), ["probe"]);
            Assert.True(probe.ExitCode == 0, probe.ToString());
            Assert.Contains("\"openzfs (pre-0.8)\"", probe.StandardOutput);
        }
        finally
        {
            File.WriteAllLines(cache, kept);
        }
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
