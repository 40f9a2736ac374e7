namespace ZfsAnsible.Testing;

/// <summary>
/// One test's piece of real ZFS on this machine: zfs-fuse running, file vdevs in a private temp folder, pools
/// named with a unique prefix. Dispose destroys those pools and files even when the test failed. When zfs-fuse
/// cannot run, the constructor throws with the reason: a test that needs ZFS fails loudly, it never skips.
/// </summary>
public sealed class ZfsSandbox : IZfsTarget
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

    public string Prefix { get; }

    public string Scratch => Directory;

    public IReadOnlyList<string> Vdevs(int count)
    {
        Processes.Check(Repository.SandboxScript, "vdevs", Directory, count.ToString(System.Globalization.CultureInfo.InvariantCulture), "128M");
        return [.. Enumerable.Range(1, count).Select(i => Path.Combine(Directory, $"vdev{i}"))];
    }

    public ProcessOutcome Run(params string[] argv) => Processes.Run(argv[0], argv[1..]);

    public ProcessOutcome Zpool(params string[] arguments) => Processes.Run("zpool", arguments);

    public ProcessOutcome Zfs(params string[] arguments) => Processes.Run("zfs", arguments);

    public string OtherPathTo(string device)
    {
        var link = device + "-link";
        File.CreateSymbolicLink(link, device);
        return link;
    }

    public string StateFingerprint()
    {
        var pools = string.Join('\n', Zpool("list", "-H", "-o", "name").StandardOutput.Split('\n').Where(p => p.StartsWith(Prefix, StringComparison.Ordinal)));
        var files = System.IO.Directory.EnumerateFiles(Directory).Order(StringComparer.Ordinal)
            .Select(f => $"{f}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(ReadHead(f)))}");
        return pools + "\n" + string.Join('\n', files);
    }

    public PlaybookRun Play(string playbook, params string[] options) => AnsiblePlaybook.Run(playbook, ["-i", "localhost,", "-c", "local", .. options]);

    public LoopbackSsh LoopbackSsh() => (_sshd ??= new LocalSshd()).Endpoint;

    /// <summary>A key of the sandbox's sshd authorized with <paramref name="options"/> (a forced command, restrict).</summary>
    public LoopbackSsh AuthorizedSsh(string name, string options) => (_sshd ??= new LocalSshd()).AuthorizeKey(name, options);

    public string Upload(string localPath) => localPath;

    /// <summary>Connections the loopback sshd has authenticated so far.</summary>
    public int SshLogins => _sshd?.Logins ?? 0;

    private LocalSshd? _sshd;

    public bool PoolExists(string pool) => ZfsTargetExtensions.PoolExists(this, pool);

    public void Destroy(string pool) => ZfsTargetExtensions.Destroy(this, pool);

    public void Dispose()
    {
        _sshd?.Dispose();
        Processes.Run(Repository.SandboxScript, ["cleanup", Directory, Prefix]);
    }

    private static byte[] ReadHead(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[512 * 1024];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer[..read];
    }
}
