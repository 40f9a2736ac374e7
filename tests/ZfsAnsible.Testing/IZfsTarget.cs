namespace ZfsAnsible.Testing;

/// <summary>
/// A host with real ZFS that a test drives through ansible-playbook: the local zfs-fuse sandbox, or the
/// OpenZFS 2.x guest reached over SSH. The same scenarios run against both.
/// </summary>
public interface IZfsTarget : IDisposable
{
    /// <summary>Every pool a test makes starts with this, so cleanup finds it.</summary>
    string Prefix { get; }

    /// <summary>A directory on the target for mountpoints and links.</summary>
    string Scratch { get; }

    /// <summary>Blank devices on the target (files or disks), at most as many as the target has.</summary>
    IReadOnlyList<string> Vdevs(int count);

    /// <summary>Runs an argument vector on the target.</summary>
    ProcessOutcome Run(params string[] argv);

    /// <summary>Another path to the same device (a link, or the node a by-id link points at).</summary>
    string OtherPathTo(string device);

    /// <summary>This target's pools and the head of each vdev: equal fingerprints mean nothing changed.</summary>
    string StateFingerprint();

    /// <summary>Real ssh from the target to itself, for replication: a test sshd here, the guest's own sshd there.</summary>
    LoopbackSsh LoopbackSsh();

    /// <summary>Puts a file of this machine on the target; returns its path there.</summary>
    string Upload(string localPath);

    /// <summary>Runs a playbook whose plays target "all" against this target.</summary>
    PlaybookRun Play(string playbook, params string[] options);
}

public static class ZfsTargetExtensions
{
    public static string Pool(this IZfsTarget target, string suffix = "") => target.Prefix + suffix;

    public static bool PoolExists(this IZfsTarget target, string pool) => target.Run("zpool", "list", "-H", "-o", "name", pool).ExitCode == 0;

    public static string Check(this IZfsTarget target, params string[] argv)
    {
        var outcome = target.Run(argv);
        return outcome.ExitCode == 0 ? outcome.StandardOutput : throw new InvalidOperationException($"{string.Join(' ', argv)} failed on the target: {outcome}");
    }

    /// <summary>zfs-fuse may call a pool busy for a moment after creating it; retry briefly.</summary>
    public static void Destroy(this IZfsTarget target, string pool)
    {
        for (var attempt = 0; ; attempt++)
        {
            var outcome = target.Run("zpool", "destroy", pool);
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
}
