using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.ZfsSnapshotPrune;

/// <summary>zfs_snapshot_prune's options; ansible/plugins/modules/zfs_snapshot_prune.py documents the same spec.</summary>
public static class ZfsSnapshotPruneSpec
{
    public const string ModuleName = "zfs_snapshot_prune";

    public static ArgumentSpec Spec { get; } = ArgumentSpec.Of(
        ("datasets", Option.List()),
        ("snapshot", Option.Bool(@default: ZfsSnapshotPruneArguments.Defaults.Snapshot)),
        ("prune", Option.Bool(@default: ZfsSnapshotPruneArguments.Defaults.Prune)),
        ("max_destroy", Option.Int(@default: ZfsSnapshotPruneArguments.Defaults.MaxDestroy)),
        ("lock_dir", Option.Path(@default: ZfsSnapshotPruneArguments.Defaults.LockDir)),
        ("lock_timeout", Option.Int(@default: ZfsSnapshotPruneArguments.Defaults.LockTimeout)));
}
