using ZfsAnsible.Testing;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs.Tests;

/// <summary>
/// The probe's cache: a second run on the same zfs asks nothing, and any change to the program or the kernel module,
/// a planted or broken file, or a runner whose programs are not this host's files means a real probe.
/// </summary>
public sealed class CapabilityCacheTests : IDisposable
{
    private const string Version = "zfs version";

    private readonly string _root = Directory.CreateTempSubdirectory("zfsansible-probe-").FullName;

    public CapabilityCacheTests()
    {
        File.WriteAllText(Zfs, "#!/bin/sh\n");
        File.WriteAllText(Module, "2.3.2-1\n");
    }

    private string Zfs => Path.Combine(_root, "zfs");

    private string Module => Path.Combine(_root, "module-version");

    private string RunDirectory => Path.Combine(_root, "run");

    private string CacheFile => Path.Combine(RunDirectory, CapabilityCache.Name);

    private CapabilityCache Cache => new(RunDirectory, Module);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ScriptedRunner OpenZfs(string version = "2.3.2-1") =>
        new ScriptedRunner { Programs = program => program == "zfs" ? Zfs : null }.On(Version, $"zfs-{version}\nzfs-kmod-{version}\n");

    private static int Probes(ScriptedRunner runner) => runner.Ran.Count(c => c.ToString() == Version);

    [Fact]
    public void A_second_probe_of_the_same_zfs_runs_nothing_and_answers_the_same()
    {
        var first = OpenZfs();
        var probed = CapabilityProbe.Probe(first, Cache);
        var second = OpenZfs();
        var cached = CapabilityProbe.Probe(second, Cache);

        Assert.Equal(1, Probes(first));
        Assert.Empty(second.Ran);
        Assert.Equal(probed, cached);
        Assert.Equal("openzfs 2.3.2-1", cached.Implementation);
        Assert.True(cached.SnapshotsChanged);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CacheFile));
    }

    [Fact]
    public void A_zfs_installed_anew_is_probed_again_even_with_the_same_size_and_time()
    {
        // Package managers keep the packaged mtime; here both builds have the same one and the same size.
        var packaged = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Zfs, packaged);
        CapabilityProbe.Probe(OpenZfs(), Cache);
        // As a package manager installs it: a new file renamed over the old one.
        var next = Zfs + ".new";
        File.WriteAllText(next, "#!/bin/sh\n");
        File.SetLastWriteTimeUtc(next, packaged);
        File.Move(next, Zfs, overwrite: true);

        var upgraded = OpenZfs("2.4.0-1");
        Assert.Equal("openzfs 2.4.0-1", CapabilityProbe.Probe(upgraded, Cache).Implementation);
        Assert.Equal(1, Probes(upgraded));
    }

    [Fact]
    public void A_zfs_written_in_place_is_probed_again()
    {
        CapabilityProbe.Probe(OpenZfs(), Cache);
        File.AppendAllText(Zfs, "# rebuilt\n");

        var again = OpenZfs("2.3.3-1");
        Assert.Equal("openzfs 2.3.3-1", CapabilityProbe.Probe(again, Cache).Implementation);
        Assert.Equal(1, Probes(again));
    }

    [Fact]
    public void Another_kernel_module_version_is_probed_again()
    {
        CapabilityProbe.Probe(OpenZfs(), Cache);
        File.WriteAllText(Module, "2.3.3-1\n");

        var again = OpenZfs();
        CapabilityProbe.Probe(again, Cache);
        Assert.Equal(1, Probes(again));
    }

    [Fact]
    public void A_runner_whose_programs_are_not_files_here_never_touches_the_cache()
    {
        var remote = new ScriptedRunner().On(Version, "zfs-2.3.2-1\n");
        CapabilityProbe.Probe(remote, Cache);
        CapabilityProbe.Probe(remote, Cache);

        Assert.Equal(2, Probes(remote));
        Assert.False(Directory.Exists(RunDirectory));
    }

    private ScriptedRunner OlderCli(int zpoolExit, string zpoolError = "", string zfsError = "unrecognized command 'version'\nusage: zfs command args ...") =>
        new ScriptedRunner { Programs = _ => Zfs }
            .On(Version, exit: 2, stderr: zfsError)
            .On("zpool list -H -p -o name", "tank\n", exit: zpoolExit, stderr: zpoolError);

    [Fact]
    public void Zfs_fuse_is_kept_once_both_programs_refuse_what_they_lack()
    {
        var first = OlderCli(2, "invalid option 'p'\nusage:");
        Assert.Equal(ZfsCapabilities.Legacy, CapabilityProbe.Probe(first, Cache));
        Assert.Equal(2, first.Ran.Count);

        var second = OlderCli(2, "invalid option 'p'\nusage:");
        Assert.Equal(ZfsCapabilities.Legacy, CapabilityProbe.Probe(second, Cache));
        Assert.Empty(second.Ran);
        Assert.Equal("legacy", Cache.Answer(Cache.KeyFor(second)!));
    }

    [Fact]
    public void An_openzfs_older_than_zfs_version_is_kept_with_its_parsable_output()
    {
        var first = OlderCli(0);
        var probed = CapabilityProbe.Probe(first, Cache);
        var second = OlderCli(0);

        Assert.Equal(probed, CapabilityProbe.Probe(second, Cache));
        Assert.Empty(second.Ran);
        Assert.Equal("openzfs (pre-0.8)", probed.Implementation);
        Assert.True(probed.ParsableOutput);
    }

    [Theory]
    [InlineData("zfs: out of memory", "invalid option 'p'")]
    [InlineData("unrecognized command 'version'", "cannot open /dev/zfs: no such device")]
    public void A_failure_that_is_not_a_refusal_is_probed_again_and_not_kept(string zfsError, string zpoolError)
    {
        var first = OlderCli(1, zpoolError, zfsError);
        Assert.Equal(ZfsCapabilities.Legacy, CapabilityProbe.Probe(first, Cache));

        var second = OlderCli(1, zpoolError, zfsError);
        CapabilityProbe.Probe(second, Cache);
        Assert.Equal(2, second.Ran.Count);
        Assert.False(File.Exists(CacheFile));
    }

    [Theory]
    [InlineData("garbage\n")]
    [InlineData("")]
    [InlineData("zfsansible zfs version cache 1\nKEY\n2.1.0; reboot\n")]
    [InlineData("zfsansible zfs version cache 1\nKEY\n2.1.0\nmore\n")]
    [InlineData("zfsansible zfs version cache 2\nKEY\n2.1.0\n")]
    [InlineData("zfsansible zfs version cache 1\nKEY\nlegacy-ish\n")]
    public void A_file_it_cannot_read_is_probed_over_and_replaced(string content)
    {
        var key = Cache.KeyFor(OpenZfs())!;
        Directory.CreateDirectory(RunDirectory);
        File.WriteAllText(CacheFile, content.Replace("KEY", key, StringComparison.Ordinal));
        File.SetUnixFileMode(CacheFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var runner = OpenZfs();
        Assert.Equal("openzfs 2.3.2-1", CapabilityProbe.Probe(runner, Cache).Implementation);
        Assert.Equal(1, Probes(runner));
        Assert.Equal("2.3.2-1", Cache.Answer(key));
    }

    [Fact]
    public void A_file_others_may_write_is_not_believed()
    {
        var key = Cache.KeyFor(OpenZfs())!;
        Assert.True(Cache.Keep(key, "2.1.0"));
        File.SetUnixFileMode(CacheFile, File.GetUnixFileMode(CacheFile) | UnixFileMode.OtherWrite);

        var runner = OpenZfs();
        Assert.Equal("openzfs 2.3.2-1", CapabilityProbe.Probe(runner, Cache).Implementation);
        Assert.Equal(1, Probes(runner));
    }

    [Fact]
    public void A_cache_that_cannot_be_written_only_costs_the_probe()
    {
        // Its parent is a file: the directory can never be made.
        File.WriteAllText(Path.Combine(_root, "blocked"), string.Empty);
        var cache = new CapabilityCache(Path.Combine(_root, "blocked", "run"), Module);

        var runner = OpenZfs();
        Assert.Equal("openzfs 2.3.2-1", CapabilityProbe.Probe(runner, cache).Implementation);
        Assert.Equal("openzfs 2.3.2-1", CapabilityProbe.Probe(runner, cache).Implementation);
        Assert.Equal(2, Probes(runner));
    }

    [Fact]
    public void A_host_without_a_loaded_module_still_has_a_key_and_a_missing_zfs_has_none()
    {
        File.Delete(Module);
        Assert.EndsWith(" module=-", Cache.KeyFor(OpenZfs()), StringComparison.Ordinal);

        File.Delete(Zfs);
        Assert.Null(Cache.KeyFor(OpenZfs()));
    }

    [Fact]
    public void File_status_tells_one_file_from_another_and_reads_owner_and_mode()
    {
        var other = Path.Combine(_root, "other");
        File.WriteAllText(other, "x");
        File.SetUnixFileMode(other, UnixFileMode.UserRead | UnixFileMode.GroupRead);

        var a = FileStatus.Of(Zfs)!;
        var b = FileStatus.Of(other)!;
        Assert.Equal(a.Device, b.Device);
        Assert.NotEqual(a.Inode, b.Inode);
        Assert.Equal(1, b.Size);
        Assert.Equal(0b100_100_000, b.Mode);
        Assert.Equal(new DateTimeOffset(File.GetLastWriteTimeUtc(other)).ToUnixTimeMilliseconds(), b.Modified / 1_000_000);
        Assert.Null(FileStatus.Of(Path.Combine(_root, "missing")));
    }
}
