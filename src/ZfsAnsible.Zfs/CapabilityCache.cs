using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs;

/// <summary>
/// What the capability probe answered (the OpenZFS version "zfs version" gave, or which older command line has none),
/// kept between runs of this host's own tools so that a module, timer or command starts with a process or two less. It lives under /run (gone at reboot) in a <see cref="PrivateCacheFile"/> and
/// is trusted only under the key it was written with: the identity of the zfs program the runner starts (device,
/// inode, size, modification and change times; a package upgrade installs a new file) and the loaded kernel module's
/// version. An older command line's answer is kept only when its programs themselves refused the verb or flag they
/// lack (<see cref="CapabilityProbe"/>); any other failure is probed again next run.
/// </summary>
/// <param name="moduleVersionFile">Where the kernel module says its version (tests point it elsewhere).</param>
public sealed class CapabilityCache(string directory, string moduleVersionFile = CapabilityCache.ModuleVersionFile)
{
    /// <summary>zfsansible's directory under /run: the run locks live there too (<c>RunLock.DefaultDirectory</c>).</summary>
    public const string DefaultDirectory = "/run/zfsansible";

    public const string Name = "zfs-version.cache";

    public const string ModuleVersionFile = "/sys/module/zfs/version";

    private const string Header = "zfsansible zfs version cache 1";

    /// <summary>This host's cache, for probes of its own programs.</summary>
    public static CapabilityCache Host { get; } = new(DefaultDirectory);

    /// <summary>The key for the zfs the runner would start now; null when its programs are not files of this host.</summary>
    public string? KeyFor(ICommandRunner runner)
    {
        if (runner.LocalProgram("zfs") is not { } zfs || FileStatus.Of(zfs) is not { } status)
        {
            return null;
        }

        string module;
        try
        {
            module = File.Exists(moduleVersionFile) ? File.ReadAllText(moduleVersionFile).Trim() : "-";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var key = $"zfs={zfs} {status.Device}:{status.Inode} {status.Size} {status.Modified} {status.Changed} module={module}";
        return key.Contains('\n', StringComparison.Ordinal) ? null : key;
    }

    /// <summary>The probe's answer kept under <paramref name="key"/>; null when there is none, or it was kept under another key.</summary>
    public string? Answer(string key) =>
        PrivateCacheFile.Read(directory, Name, lines => lines.Take(4).ToList() is [Header, var kept, var answer] && kept == key && CapabilityProbe.IsAnswer(answer) ? answer : null);

    /// <summary>Keeps <paramref name="answer"/> under <paramref name="key"/>; false when it could not (the next run probes again).</summary>
    public bool Keep(string key, string answer) =>
        CapabilityProbe.IsAnswer(answer) && PrivateCacheFile.Write(directory, Name, writer => writer.Write($"{Header}\n{key}\n{answer}\n"), create: true);
}
