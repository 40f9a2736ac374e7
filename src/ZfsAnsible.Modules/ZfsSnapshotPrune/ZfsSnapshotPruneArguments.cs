using System.Collections.Immutable;
using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.ZfsSnapshotPrune;

/// <summary>
/// zfs_snapshot_prune's options, typed: bound from the module's parameters or built by the CLI's verbs, so both
/// faces share one set of names and defaults.
/// </summary>
public sealed record ZfsSnapshotPruneArguments(
    ImmutableArray<string> Datasets,
    bool Snapshot = true,
    bool Prune = true,
    long MaxDestroy = ZfsSnapshotPruneArguments.DefaultMaxDestroy,
    string LockDir = RunLock.DefaultDirectory,
    long LockTimeout = ZfsSnapshotPruneArguments.DefaultLockTimeoutSeconds)
{
    public const long DefaultMaxDestroy = 100;
    public const long DefaultLockTimeoutSeconds = 300;

    /// <summary>Above this, max_destroy is a typo rather than a cap.</summary>
    public const long MaxDestroyLimit = 1_000_000;

    /// <summary>Every option at its default: the spec's defaults are read from here.</summary>
    internal static ZfsSnapshotPruneArguments Defaults { get; } = new([]);

    public static ZfsSnapshotPruneArguments From(ModuleParameters parameters) => parameters.Bind(ModuleArgumentsJson.Default.ZfsSnapshotPruneArguments);
}
