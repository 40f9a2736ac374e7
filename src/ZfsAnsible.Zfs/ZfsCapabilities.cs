using System.Text.RegularExpressions;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs;

/// <summary>
/// What the local ZFS command line can do. Probed once per run, never assumed: OpenZFS 2.x and
/// zfs-fuse (pool v23, old CLI) differ in flags, and the same code must drive both.
/// </summary>
/// <param name="Implementation">"openzfs 2.3.2", "openzfs (pre-2.0)" or "zfs-fuse / legacy".</param>
/// <param name="ParsableOutput">zpool list -p, zpool get -H -p, zfs list -p.</param>
/// <param name="StatusFullPaths">zpool status -P (full device paths) and -L (resolved links).</param>
/// <param name="Bookmarks">zfs bookmark.</param>
/// <param name="ResumableReceive">zfs recv -s and receive_resume_token.</param>
/// <param name="CommaListDestroy">zfs destroy pool/fs@a,b,c.</param>
/// <param name="RawSend">zfs send -w.</param>
/// <param name="Fragmentation">zpool list reports fragmentation.</param>
public sealed record ZfsCapabilities(
    string Implementation,
    bool ParsableOutput,
    bool StatusFullPaths,
    bool Bookmarks,
    bool ResumableReceive,
    bool CommaListDestroy,
    bool RawSend,
    bool Fragmentation)
{
    /// <summary>zfs snapshot a@n b@n: several snapshots in one atomic command.</summary>
    public bool MultiSnapshot { get; init; }

    /// <summary>The snapshots_changed property (OpenZFS 2.2): when a dataset's list of snapshots last changed.</summary>
    public bool SnapshotsChanged { get; init; }

    /// <summary>zfs set a=1 b=2 DATASET: several properties in one command, applied together.</summary>
    public bool MultiPropertySet { get; init; }

    /// <summary>zfs program (Lua channel programs, OpenZFS 0.8, the release that brought "zfs version").</summary>
    public bool ChannelPrograms { get; init; }

    /// <summary>zfs recv -o PROPERTY=VALUE: a received dataset lands with these properties set.</summary>
    public bool ReceiveProperties { get; init; }

    public static ZfsCapabilities OpenZfs(string version) => new($"openzfs {version}", true, true, true, true, true, true, true)
    {
        MultiSnapshot = true,
        ChannelPrograms = true,
        MultiPropertySet = true,
        ReceiveProperties = true,
        SnapshotsChanged = System.Version.TryParse(string.Concat(version.TakeWhile(c => char.IsAsciiDigit(c) || c == '.')).TrimEnd('.'), out var v) && v >= new System.Version(2, 2),
    };

    /// <summary>zfs-fuse and other pre-0.7 command lines.</summary>
    public static ZfsCapabilities Legacy { get; } = new("zfs-fuse / legacy", false, false, false, false, false, false, false);
}

/// <summary>Asks the installed tools what they support; costs one or two short commands, or none when this host's cache answers.</summary>
public static partial class CapabilityProbe
{
    /// <summary>What the cache keeps for command lines without "zfs version" (an OpenZFS answer is its version).</summary>
    private const string LegacyAnswer = "legacy";

    private const string ParsableLegacyAnswer = "pre-0.8";

    public static ZfsCapabilities Probe(ICommandRunner runner) => Probe(runner, CapabilityCache.Host);

    public static ZfsCapabilities Probe(ICommandRunner runner, CapabilityCache cache)
    {
        var key = cache.KeyFor(runner);
        if (key is not null && cache.Answer(key) is { } kept)
        {
            return Capabilities(kept);
        }

        var (answer, lasting) = Ask(runner);
        if (key is not null && lasting)
        {
            cache.Keep(key, answer);
        }

        return Capabilities(answer);
    }

    /// <summary>
    /// The answer, and whether it is a fact about the programs (what the cache's key identifies) rather than about this
    /// moment: an OpenZFS version, or both programs refusing the verb or flag they lack. Any other failure is probed
    /// again next run, so a passing problem is never kept as an older command line.
    /// </summary>
    private static (string Answer, bool Lasting) Ask(ICommandRunner runner)
    {
        // OpenZFS 0.8+ answers "zfs version" with e.g. "zfs-2.1.11-1" and "zfs-kmod-2.1.11-1".
        var version = runner.Run(Command.Of("zfs", "version"));
        if (version.Succeeded && VersionPattern().Match(version.StandardOutput) is { Success: true } match)
        {
            return (match.Groups[1].Value, true);
        }

        var noVersionVerb = version.StandardError.Contains("unrecognized command 'version'", StringComparison.Ordinal);
        var parsable = runner.Run(Command.Of("zpool", "list", "-H", "-p", "-o", "name"));
        return parsable.Succeeded
            ? (ParsableLegacyAnswer, noVersionVerb)
            : (LegacyAnswer, noVersionVerb && parsable.StandardError.Contains("invalid option 'p'", StringComparison.Ordinal));
    }

    private static ZfsCapabilities Capabilities(string answer) => answer switch
    {
        LegacyAnswer => ZfsCapabilities.Legacy,
        ParsableLegacyAnswer => ZfsCapabilities.Legacy with { Implementation = "openzfs (pre-0.8)", ParsableOutput = true, StatusFullPaths = true, Bookmarks = true, Fragmentation = true },
        _ => ZfsCapabilities.OpenZfs(answer),
    };

    /// <summary>Whether <paramref name="answer"/> is one <see cref="Probe"/> gives: the cache believes nothing else.</summary>
    internal static bool IsAnswer(string answer) => answer is LegacyAnswer or ParsableLegacyAnswer || KeptVersionPattern().IsMatch(answer);

    [GeneratedRegex(@"^zfs-(\d+\.\d+\S*)", RegexOptions.Multiline)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^\d+\.\d+\S*$")]
    private static partial Regex KeptVersionPattern();
}
