using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// The pool scenarios against OpenZFS 2.x in the QEMU guest, over SSH, the x86_64 binary copied to a remote
/// host the way Ansible really runs it; plus what only real OpenZFS and real disks can show.
/// </summary>
public sealed class OpenZfsGuestPoolTests() : ZfsPoolScenarios(new OpenZfsGuest())
{
    protected override string SearchDirectories => "[]";

    [Fact]
    public void The_capability_probe_chooses_the_modern_paths()
    {
        var run = Run(MirrorTask(Target.Vdevs(2)));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("openzfs 2.", run.Result()["zfs_implementation"]!.GetValue<string>());
        Assert.NotNull(run.Result()["pool"]!["fragmentation"]);
    }

    /// <summary>The probe's answer is kept per zfs install: the module believes the kept one, and asks again once zfs changes.</summary>
    [Fact]
    public void The_probe_is_kept_for_the_installed_zfs_and_asked_again_when_it_changes()
    {
        const string cache = "/run/zfsansible/zfs-version.cache";
        Target.Check("rm", "-f", cache);
        var task = MirrorTask(Target.Vdevs(2));
        var probed = Run(task);
        Assert.True(probed.ExitCode == 0, probed.ToString());
        var real = probed.Result()["zfs_implementation"]!.GetValue<string>();
        Assert.Equal("600", Target.Check("stat", "-c", "%a", cache).Trim());
        Assert.Equal($"openzfs {Target.Check("sed", "-n", "3p", cache).Trim()}", real);

        // A version only the kept file says: the next run takes it from there, not from "zfs version".
        Target.Check("sed", "-i", "3s/.*/2.2.99/", cache);
        Assert.Equal("openzfs 2.2.99", Run(task).Result()["zfs_implementation"]!.GetValue<string>());

        // As an upgrade would, the program changes: probed again, and kept anew.
        Target.Check("sh", "-c", "touch \"$(command -v zfs)\"");
        Assert.Equal(real, Run(task).Result()["zfs_implementation"]!.GetValue<string>());
        Assert.Equal(real, $"openzfs {Target.Check("sed", "-n", "3p", cache).Trim()}");
    }

    [Fact]
    public void A_whole_disk_by_id_is_the_same_disk_as_the_partition_zpool_made_on_it()
    {
        var disks = Target.Vdevs(3);
        var withCache = MirrorTask(disks, $"        cache: [\"{disks[2]}\"]");
        var created = Run(withCache);
        Assert.True(created.ExitCode == 0, created.ToString());
        var status = Target.Check("zpool", "status", "-P", Pool);
        Assert.Contains("-part1", status);
        Assert.Contains("cache", status);
        Assert.Equal("cache", created.Result()["pool"]!["vdevs"]![1]!["class"]!.GetValue<string>());
        Assert.Equal(0, Run(withCache).Changed);
    }
}
