using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.ZfsSnapshotPrune;

/// <summary>zfs_snapshot_prune's options; ansible/plugins/modules/zfs_snapshot_prune.py documents the same spec.</summary>
public static class ZfsSnapshotPruneSpec
{
    public const string ModuleName = "zfs_snapshot_prune";

    /// <summary>Above this, max_destroy is a typo rather than a cap.</summary>
    public const long MaxDestroyLimit = 1_000_000;

    public static ArgumentSpec Spec { get; } = ArgumentSpec.Of(
        ("datasets", Option.List()),
        ("snapshot", Option.Bool(@default: true)),
        ("prune", Option.Bool(@default: true)),
        ("max_destroy", Option.Int(@default: 100)),
        ("lock_dir", Option.Path() with { Default = System.Text.Json.Nodes.JsonValue.Create(SnapshotRunRequest.DefaultLockDirectory) }),
        ("lock_timeout", Option.Int(@default: SnapshotRunRequest.DefaultLockTimeoutSeconds)));
}
