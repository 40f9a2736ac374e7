using System.Collections.Immutable;
using System.Text.Json.Nodes;
using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.ZfsDatasetPolicy;

public enum DatasetState
{
    Present,
    Absent,
}

/// <summary>zfs_dataset_policy's options, typed (bound once from the validated parameters).</summary>
/// <param name="Datasets">The inventory's zfs_datasets as written (the resolver reads it); null when not given.</param>
/// <param name="Policies">The inventory's zfs_policies as written.</param>
/// <param name="PendingPools">Pools an earlier task declares but check mode did not create.</param>
public sealed record ZfsDatasetPolicyArguments(
    JsonArray? Datasets,
    JsonObject Policies,
    string? Name,
    string? Policy,
    JsonObject Properties,
    DatasetState State,
    bool AllowDestroy,
    ImmutableArray<string> PendingPools)
{
    public static ZfsDatasetPolicyArguments From(ModuleParameters parameters) => parameters.Bind(ModuleArgumentsJson.Default.ZfsDatasetPolicyArguments);
}
