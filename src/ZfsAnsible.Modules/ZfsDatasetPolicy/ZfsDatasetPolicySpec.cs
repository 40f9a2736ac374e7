using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.ZfsDatasetPolicy;

/// <summary>zfs_dataset_policy's options; ansible/plugins/modules/zfs_dataset_policy.py documents the same spec.</summary>
public static class ZfsDatasetPolicySpec
{
    public const string ModuleName = "zfs_dataset_policy";

    /// <summary>One entry of the inventory's zfs_datasets.</summary>
    private static ArgumentSpec Dataset { get; } = ArgumentSpec.Of(
        ("name", Option.Str(required: true)),
        ("policy", Option.Str()),
        ("children_inherit_policy", Option.Bool()),
        ("snapshots_discover_children", Option.Bool()),
        ("properties", Option.Dict()));

    public static ArgumentSpec Spec { get; } = ArgumentSpec.Of(
            ("datasets", Option.ListOf(Dataset) with { Default = null }),
            ("policies", Option.Dict()),
            ("name", Option.Str()),
            ("policy", Option.Str()),
            ("properties", Option.Dict()),
            ("state", Option.Choice(DatasetState.Present)),
            ("allow_destroy", Option.Bool()),
            ("pending_pools", Option.List()))
        .WithMutuallyExclusive("datasets", "name")
        .WithMutuallyExclusive("datasets", "policy")
        .WithMutuallyExclusive("datasets", "properties")
        .WithRequiredOneOf("datasets", "name") // an empty tree is fine (a host without datasets); neither is a mistake
        .WithRequiredIf("state", "absent", ["name"]); // a removal names its one dataset
}
