namespace ZfsAnsible.Testing;

/// <summary>
/// The OpenZFS 2.x QEMU guest (tests/vm/openzfs-guest.sh) as a remote host: commands over SSH, its three
/// blank virtio disks as vdevs, ansible-playbook through its inventory. build.sh boots it and passes
/// GUEST_* variables; without them the constructor throws, so the tier fails loudly instead of skipping.
/// </summary>
public sealed class OpenZfsGuest : IZfsTarget
{
    private readonly string _port;
    private readonly string _key;
    private readonly string _inventory;
    private readonly string[] _disks;

    public OpenZfsGuest()
    {
        string Require(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"the OpenZFS guest tier is not running ({name} is not set): run it through ./build.sh test");
        _port = Require("GUEST_SSH_PORT");
        _key = Require("GUEST_KEY");
        _inventory = Require("GUEST_INVENTORY");
        _disks = Require("GUEST_DISKS").Split(',');
        Prefix = "zt" + Guid.NewGuid().ToString("N")[..8];
        Scratch = "/tmp/" + Prefix;
        this.Check("mkdir", "-p", Scratch);
        Wipe();
    }

    public string Prefix { get; }

    public string Scratch { get; }

    public IReadOnlyList<string> Vdevs(int count) => count <= _disks.Length
        ? _disks[..count]
        : throw new InvalidOperationException($"the guest has {_disks.Length} data disks, {count} asked for");

    /// <summary>Runs argv in the guest; each word is quoted for the remote shell, so it arrives unchanged.</summary>
    public ProcessOutcome Run(params string[] argv) => Processes.Run("ssh", [.. Connection(), "-p", _port, "root@127.0.0.1", string.Join(' ', argv.Select(Quote))]);

    /// <summary>systemctl's answer, trimmed (is-active, show -p X --value, list-timers ...).</summary>
    public string Systemctl(params string[] arguments) => Run(["systemctl", .. arguments]).StandardOutput.Trim();

    public string OtherPathTo(string device) => this.Check("readlink", "-f", device).Trim();

    public string StateFingerprint()
    {
        var pools = string.Join('\n', Run("zpool", "list", "-H", "-o", "name").StandardOutput.Split('\n').Where(p => p.StartsWith(Prefix, StringComparison.Ordinal)));
        var heads = Run("sh", "-c", string.Join("; ", _disks.Select(d => $"printf '%s ' {d}; head -c 524288 {d} | sha256sum; tail -c 524288 {d} | sha256sum"))).StandardOutput;
        return pools + "\n" + heads;
    }

    public PlaybookRun Play(string playbook, params string[] options) => AnsiblePlaybook.Run(playbook, ["-i", _inventory, .. options]);

    /// <summary>
    /// A playbook against an inventory of several host names that are all this guest (a backup server and its sources
    /// on one machine): each name gets the guest's connection settings.
    /// </summary>
    public PlaybookRun PlayAs(string[] hostNames, string playbook, params string[] options)
    {
        var connection = File.ReadAllLines(_inventory).First(l => l.StartsWith("vmzfs ", StringComparison.Ordinal))["vmzfs ".Length..];
        var inventory = Path.Combine(Path.GetTempPath(), $"zfsansible-inventory-{Prefix}.ini");
        File.WriteAllLines(inventory, ["[guest]", .. hostNames.Select(h => $"{h} {connection}")]);
        try
        {
            return AnsiblePlaybook.Run(playbook, ["-i", inventory, .. options]);
        }
        finally
        {
            File.Delete(inventory);
        }
    }

    /// <summary>The guest's own sshd on port 22, with a key made in the guest (its root is fresh every boot).</summary>
    public LoopbackSsh LoopbackSsh()
    {
        const string key = "/root/.ssh/loopback_key";
        this.Check("sh", "-c", $"[ -f {key} ] || {{ ssh-keygen -q -t ed25519 -N '' -f {key} && cat {key}.pub >> /root/.ssh/authorized_keys; }}");
        return new LoopbackSsh("127.0.0.1", 22, key);
    }

    public string Upload(string localPath)
    {
        var remote = $"{Scratch}/{Path.GetFileName(localPath)}";
        var copy = Processes.Run("scp", ["-q", .. Connection(), "-P", _port, localPath, $"root@127.0.0.1:{remote}"]);
        return copy.ExitCode == 0 ? remote : throw new InvalidOperationException($"scp {localPath} to the guest failed: {copy}");
    }

    public void Dispose()
    {
        foreach (var pool in Run("zpool", "list", "-H", "-o", "name").StandardOutput.Split('\n').Where(p => p.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            Run("zpool", "destroy", "-f", pool);
        }

        Run("rm", "-rf", Scratch);
        Wipe();
    }

    /// <summary>Every test starts from blank disks: no label, no partition table, no leftover partitions.</summary>
    private void Wipe()
    {
        var script = string.Join("; ", _disks.Select(d =>
            $"for p in {d}-part*; do [ -e \"$p\" ] && zpool labelclear -f \"$p\"; done; zpool labelclear -f {d}; wipefs -a -q {d}; partx -d {d}")) + "; udevadm settle; true";
        Run("sh", "-c", script + " 2>/dev/null");
    }

    /// <summary>
    /// ssh's options for the guest. Its commands share one connection (kept a minute after the last): each new one
    /// costs the emulated guest about 2 s of key exchange (0.16 s through the master), and a test runs dozens.
    /// </summary>
    private string[] Connection() =>
        ["-i", _key, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes",
         "-o", "ControlMaster=auto", "-o", $"ControlPath={Path.GetTempPath()}zfsansible-guest-%C", "-o", "ControlPersist=60"];

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
