using System.Security.Cryptography;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// The target's binary cache, through real ansible-playbook over a real sshd on 127.0.0.1: a module's binary crosses
/// the wire once per target user and content, and a cached task is one round trip. The module is pi_pcie_info on an
/// empty sysfs (no ZFS, no root needed, so another user can run it too).
/// </summary>
public sealed class BinaryCacheTests : IDisposable
{
    private const string Executable = "zfsansible";

    private readonly LocalSshd _sshd = new();
    private readonly string _root = Directory.CreateTempSubdirectory("zfsansible-cache-").FullName;

    public BinaryCacheTests()
    {
        Directory.CreateDirectory(Sysfs);
        // ssh and sftp that note each use: a command run or a file put.
        Directory.CreateDirectory(Path.Combine(_root, "bin"));
        foreach (var (program, word) in new[] { ("ssh", "exec"), ("sftp", "put") })
        {
            File.WriteAllText(Path.Combine(_root, "bin", program), $"#!/bin/sh\necho {word} >> {TrafficLog}\nexec /usr/bin/{program} \"$@\"\n");
            File.SetUnixFileMode(Path.Combine(_root, "bin", program), (UnixFileMode)0b111_101_101);
        }

        // Readable by the other user of Each_remote_user_has_a_cache_of_its_own.
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
    }

    public void Dispose()
    {
        _sshd.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Sysfs => Path.Combine(_root, "sys");

    private string CacheDir => Path.Combine(_root, "cache");

    private string TrafficLog => Path.Combine(_root, "traffic.log");

    private static string Play => """
        - name: A module answered by a cached binary
          hosts: all
          gather_facts: false
          tasks:
            - name: PCIe devices
              zfsansible.zfs.pi_pcie_info:
                sysfs_root: "{{ sysfs }}"
        """;

    /// <summary>An inventory of <paramref name="hosts"/> names, all this sshd, with extra host variables.</summary>
    private string Inventory(int hosts = 1, string vars = "")
    {
        var path = Path.Combine(_root, $"inventory-{Guid.NewGuid():N}.yml");
        var names = string.Join('\n', Enumerable.Range(1, hosts).Select(i => $"    target{i}:"));
        File.WriteAllText(path, $"""
            all:
              hosts:
            {names}
              vars:
            {_sshd.AnsibleVariables("    ")}
                ansible_ssh_executable: {_root}/bin/ssh
                ansible_sftp_executable: {_root}/bin/sftp
                sysfs: {Sysfs}
            {vars}
            """);
        return path;
    }

    private string CacheVars => $"    zfsansible_binary_cache_dir: {CacheDir}";

    private PlaybookRun Run(string inventory, IReadOnlyDictionary<string, string>? environment = null, params string[] options)
    {
        File.Delete(TrafficLog);
        return AnsiblePlaybook.Run(Play, ["-i", inventory, .. options], environment);
    }

    private static string Digest(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..24];

    private static string Binary(string arch) => Path.Combine(Repository.CollectionsPath, "zfsansible", "zfs", "native", $"{Executable}_{arch}");

    private static IReadOnlyList<string> Entries(string directory) =>
        Directory.Exists(directory) ? [.. Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!] : [];

    /// <summary>Commands run over ssh and files put by the last run.</summary>
    private (int Execs, int Puts) Traffic()
    {
        var words = File.Exists(TrafficLog) ? File.ReadAllLines(TrafficLog) : [];
        return (words.Count(w => w == "exec"), words.Count(w => w == "put"));
    }

    private static void AssertOk(PlaybookRun run, int hosts = 1)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(hosts, run.Output["stats"]!.AsObject().Count(h => h.Value!["ok"]!.GetValue<int>() == 1 && h.Value!["failures"]!.GetValue<int>() == 0));
    }

    [Fact]
    public void The_binary_crosses_the_wire_once_and_a_cached_task_is_one_round_trip()
    {
        var inventory = Inventory(vars: CacheVars);

        var first = Run(inventory);
        AssertOk(first);
        Assert.Equal(1, Traffic().Puts);
        Assert.Equal([$"{Executable}_x86_64-{Digest(Binary("x86_64"))}"], Entries(CacheDir));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(CacheDir));

        var second = Run(inventory);
        AssertOk(second);
        Assert.Equal((1, 0), Traffic());
        Assert.Equal("linux-x64", second.Result()["module_build"]!.GetValue<string>());
    }

    [Fact]
    public void Every_module_is_answered_by_the_one_cached_binary()
    {
        var inventory = Inventory(vars: CacheVars);
        AssertOk(Run(inventory));
        Assert.Equal(1, Traffic().Puts);

        File.Delete(TrafficLog);
        var other = AnsiblePlaybook.Run("""
            - name: Another module, the same binary
              hosts: all
              gather_facts: false
              tasks:
                - name: A pool that is not there stays away
                  zfsansible.zfs.zfs_pool:
                    name: zfsansible-cache-nopool
                    state: absent
            """, ["-i", inventory]);
        AssertOk(other);
        Assert.Equal((1, 0), Traffic());
        Assert.Equal([$"{Executable}_x86_64-{Digest(Binary("x86_64"))}"], Entries(CacheDir));
    }

    [Fact]
    public void A_changed_binary_is_uploaded_again_by_its_content_not_its_time()
    {
        // A collection of the test's own (hard links, cheap), whose x86_64 binary is then changed in place of the link.
        var collections = Path.Combine(_root, "collections");
        var collection = Path.Combine(collections, "ansible_collections", "zfsansible", "zfs");
        Directory.CreateDirectory(Path.GetDirectoryName(collection)!);
        Processes.Check("cp", "-al", Path.Combine(Repository.CollectionsPath, "zfsansible", "zfs"), collection);
        var environment = new Dictionary<string, string> { ["ANSIBLE_COLLECTIONS_PATH"] = collections };
        var inventory = Inventory(vars: CacheVars);
        var binary = Path.Combine(collection, "native", $"{Executable}_x86_64");
        var before = Digest(binary);

        AssertOk(Run(inventory, environment));

        // One more byte after the ELF image (it still runs), the modification time put back as it was.
        var written = File.GetLastWriteTimeUtc(binary);
        var bytes = File.ReadAllBytes(binary);
        File.Delete(binary);
        File.WriteAllBytes(binary, [.. bytes, 0]);
        File.SetUnixFileMode(binary, (UnixFileMode)0b111_101_101);
        File.SetLastWriteTimeUtc(binary, written);
        var after = Digest(binary);
        Assert.NotEqual(before, after);

        var run = Run(inventory, environment);
        AssertOk(run);
        Assert.Equal(1, Traffic().Puts);
        Assert.Equal(new[] { $"{Executable}_x86_64-{before}", $"{Executable}_x86_64-{after}" }.Order(StringComparer.Ordinal), Entries(CacheDir));
        Assert.Equal(bytes.Length + 1, new FileInfo(Path.Combine(CacheDir, $"{Executable}_x86_64-{after}")).Length);
    }

    [Fact]
    public void Forks_uploading_at_once_leave_one_whole_binary()
    {
        const int hosts = 4;
        var run = Run(Inventory(hosts, CacheVars), null, "--forks", hosts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AssertOk(run, hosts);
        var entry = Assert.Single(Entries(CacheDir));
        Assert.Equal(Digest(Binary("x86_64")), Digest(Path.Combine(CacheDir, entry)));
    }

    [Fact]
    public void A_cache_directory_that_cannot_be_made_falls_back_to_the_plain_upload()
    {
        // Tests run as root, who may write anywhere: a path below a regular file is one nobody can make.
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, string.Empty);
        var inventory = Inventory(vars: $"    zfsansible_binary_cache_dir: {file}/cache");

        var first = Run(inventory);
        AssertOk(first);
        var second = Run(inventory);
        AssertOk(second);
        Assert.Equal(1, Traffic().Puts);
        Assert.Equal(["a-file"], Entries(_root).Where(e => e == "a-file"));
    }

    [Fact]
    public void Kept_remote_files_and_a_disabled_cache_take_the_plain_upload_and_leave_the_cache_alone()
    {
        var disabled = Run(Inventory(vars: CacheVars + "\n    zfsansible_binary_cache: false"));
        AssertOk(disabled);
        Assert.Equal(2, Traffic().Puts); // the binary and its args file, as Ansible uploads any binary module

        var kept = Run(Inventory(vars: CacheVars), new Dictionary<string, string> { ["ANSIBLE_KEEP_REMOTE_FILES"] = "1" });
        AssertOk(kept);
        Assert.Equal(2, Traffic().Puts);
        Assert.Empty(Entries(CacheDir));
    }

    [Fact]
    public void Each_remote_user_has_a_cache_of_its_own_and_become_passes_the_arguments_in_a_file()
    {
        // A user of the test's own, reached by becoming it (su, from root): its cache is in its home, owned by it.
        var user = $"zfsa-cache-{Environment.ProcessId % 100000}";
        var home = Path.Combine(_root, "home");
        Processes.Check("useradd", "--home-dir", home, "--create-home", "--shell", "/bin/sh", user);
        try
        {
            var inventory = Inventory(vars: $"""
                    ansible_become: true
                    ansible_become_method: ansible.builtin.su
                    ansible_become_user: {user}
                """);
            var first = Run(inventory);
            AssertOk(first);
            var second = Run(inventory);
            AssertOk(second);
            var cache = Path.Combine(home, ".cache", "zfsansible");
            var entry = Assert.Single(Entries(cache));
            Assert.Equal($"{Executable}_x86_64-{Digest(Binary("x86_64"))}", entry);
            Assert.Equal(user, Processes.Check("stat", "-c", "%U", Path.Combine(cache, entry)).Trim());
            // su cannot pipeline: the arguments went as a file, the binary did not travel again.
            Assert.Equal(1, Traffic().Puts);
        }
        finally
        {
            Processes.Run("userdel", [user]);
        }
    }

    [Fact]
    public void An_aarch64_target_gets_the_aarch64_binary()
    {
        // Through the local connection, whose uname is the fake one on PATH (binfmt runs the arm64 build).
        var run = AnsiblePlaybook.Run(Play, ["-i", "localhost,", "-c", "local", "-e", $"sysfs={Sysfs}", "-e", $"zfsansible_binary_cache_dir={CacheDir}"],
            FakeUname.Aarch64(_root));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("linux-arm64", run.Result()["module_build"]!.GetValue<string>());
        Assert.Equal([$"{Executable}_aarch64-{Digest(Binary("aarch64"))}"], Entries(CacheDir));
    }
}
