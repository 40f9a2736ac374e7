using System.Collections.Immutable;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.ZfsPool;

/// <summary>The vdev types the options take; "stripe" is one top-level vdev per device.</summary>
public enum VdevType
{
    Stripe,
    Mirror,
    Raidz1,
    Raidz2,
    Raidz3,
}

/// <summary>One entry of vdevs, log or special.</summary>
public sealed record VdevArguments(VdevType Type, ImmutableArray<string> Devices);

/// <summary>zfs_pool's options, typed (bound once from the validated parameters).</summary>
/// <param name="Properties">As written: values keep their YAML type until <see cref="PoolDeclarationReader"/> reads them.</param>
public sealed record ZfsPoolArguments(
    string Name,
    PoolState State,
    ImmutableArray<VdevArguments> Vdevs,
    ImmutableArray<VdevArguments> Log,
    ImmutableArray<VdevArguments> Special,
    ImmutableArray<string> Cache,
    ImmutableArray<string> Spare,
    bool AddVdevs,
    JsonObject Properties,
    JsonObject FilesystemProperties,
    string? Mountpoint,
    string? Altroot,
    bool Force,
    bool AllowDestroy,
    ImmutableArray<string> SearchDirectories)
{
    public static ZfsPoolArguments From(ModuleParameters parameters) => parameters.Bind(ModuleArgumentsJson.Default.ZfsPoolArguments);
}
