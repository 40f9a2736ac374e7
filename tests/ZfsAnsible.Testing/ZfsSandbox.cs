namespace ZfsAnsible.Testing;

/// <summary>
/// One test's piece of real ZFS: zfs-fuse running, file vdevs in a private temp folder, pools named with
/// a unique prefix. Dispose destroys those pools and files even when the test failed. When zfs-fuse cannot
/// run, the constructor throws with the reason: a test that needs ZFS fails loudly, it never skips.
/// </summary>
public sealed class ZfsSandbox : IDisposable
{
    public ZfsSandbox()
    {
        var start = Processes.Run(Repository.SandboxScript, ["start"]);
        if (start.ExitCode != 0)
        {
            throw new InvalidOperationException($"the zfs-fuse sandbox is unavailable: {start.StandardError.Trim()}");
        }

        Directory = System.IO.Directory.CreateTempSubdirectory("zfsansible-test-").FullName;
        Prefix = "zt" + Guid.NewGuid().ToString("N")[..8];
    }

    public string Directory { get; }

    /// <summary>Every pool a test makes starts with this, so cleanup finds it.</summary>
    public string Prefix { get; }

    public string Pool(string suffix = "") => Prefix + suffix;

    /// <summary>Sparse files to use as vdevs: DIR/vdev1..N.</summary>
    public IReadOnlyList<string> Vdevs(int count, string size = "128M")
    {
        Processes.Check(Repository.SandboxScript, "vdevs", Directory, count.ToString(System.Globalization.CultureInfo.InvariantCulture), size);
        return [.. Enumerable.Range(1, count).Select(i => Path.Combine(Directory, $"vdev{i}"))];
    }

    public ProcessOutcome Zpool(params string[] arguments) => Processes.Run("zpool", arguments);

    public ProcessOutcome Zfs(params string[] arguments) => Processes.Run("zfs", arguments);

    public bool PoolExists(string pool) => Zpool("list", "-H", "-o", "name", pool).ExitCode == 0;

    /// <summary>zfs-fuse may call a pool busy for a moment after creating it; retry briefly.</summary>
    public void Destroy(string pool)
    {
        for (var attempt = 0; ; attempt++)
        {
            var outcome = Zpool("destroy", pool);
            if (outcome.ExitCode == 0)
            {
                return;
            }

            if (attempt == 20)
            {
                throw new InvalidOperationException($"zpool destroy {pool}: {outcome}");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>This sandbox's pools and the first 512 KiB of each vdev: proof that nothing changed.</summary>
    public string StateFingerprint()
    {
        var pools = string.Join('\n', Zpool("list", "-H", "-o", "name").StandardOutput.Split('\n').Where(p => p.StartsWith(Prefix, StringComparison.Ordinal)));
        var files = System.IO.Directory.EnumerateFiles(Directory).Order(StringComparer.Ordinal)
            .Select(f => $"{f}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(ReadHead(f)))}");
        return pools + "\n" + string.Join('\n', files);
    }

    public void Dispose() => Processes.Run(Repository.SandboxScript, ["cleanup", Directory, Prefix]);

    private static byte[] ReadHead(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[512 * 1024];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer[..read];
    }
}
