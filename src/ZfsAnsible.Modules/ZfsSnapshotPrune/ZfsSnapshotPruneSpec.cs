using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.ZfsSnapshotPrune;

/// <summary>zfs_snapshot_prune's options; ansible/plugins/modules/zfs_snapshot_prune.py documents the same spec.</summary>
public static class ZfsSnapshotPruneSpec
{
    public const string ModuleName = "zfs_snapshot_prune";

    public static ArgumentSpec Spec { get; } = ArgumentSpec.Of(
        ("datasets", Option.List()),
        ("snapshot", Option.Bool(@default: true)),
        ("prune", Option.Bool(@default: true)),
        ("max_destroy", Option.Int(@default: ZfsSnapshotPruneArguments.DefaultMaxDestroy)),
        ("lock_dir", Option.Path(@default: ZfsSnapshotPruneArguments.DefaultLockDirectory)),
        ("lock_timeout", Option.Int(@default: ZfsSnapshotPruneArguments.DefaultLockTimeoutSeconds)));
}
