using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.ZfsReplicate;

/// <summary>zfs_replicate's options; ansible/plugins/modules/zfs_replicate.py documents the same spec.</summary>
public static class ZfsReplicateSpec
{
    public const string ModuleName = "zfs_replicate";

    public static ArgumentSpec Spec { get; } = ArgumentSpec.Of(
        ("datasets", Option.List()),
        ("source_roots", Option.List()),
        ("target_root", Option.Str(required: true)),
        ("direction", Option.Choice(ZfsReplicateArguments.Defaults.Direction)),
        ("remote_host", Option.Str()),
        ("remote_user", Option.Str(@default: ZfsReplicateArguments.Defaults.RemoteUser)),
        ("remote_port", Option.Int(@default: ZfsReplicateArguments.Defaults.RemotePort)),
        ("ssh_key", Option.Path() with { NoLog = true }),
        ("ssh_options", Option.List()),
        ("bandwidth_limit", Option.Str()),
        ("raw", Option.Bool(@default: ZfsReplicateArguments.Defaults.Raw)),
        ("resume", Option.Bool(@default: ZfsReplicateArguments.Defaults.Resume)),
        ("hold", Option.Bool(@default: ZfsReplicateArguments.Defaults.Hold)),
        ("lock_dir", Option.Path(@default: ZfsReplicateArguments.Defaults.LockDir)),
        ("replica_retention", Option.Dict()),
        ("allow_empty", Option.Bool(@default: ZfsReplicateArguments.Defaults.AllowEmpty)));
}
