using System.Collections.Immutable;
using System.Text.Json.Nodes;
using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.ZfsReplicate;

public enum Direction
{
    /// <summary>Run on the receiving host (the backup server); the source is remote.</summary>
    Pull,

    /// <summary>Run on the sending host; the target is remote (offsite).</summary>
    Push,
}

/// <summary>
/// zfs_replicate's options, typed: bound from the module's parameters or built by the CLI's run verb, so both faces
/// share one set of names and defaults.
/// </summary>
public sealed record ZfsReplicateArguments(
    ImmutableArray<string> Datasets,
    ImmutableArray<string> SourceRoots,
    string TargetRoot,
    Direction Direction = Direction.Pull,
    string? RemoteHost = null,
    string RemoteUser = ZfsReplicateArguments.DefaultRemoteUser,
    long RemotePort = ZfsReplicateArguments.DefaultRemotePort,
    string? SshKey = null,
    ImmutableArray<string> SshOptions = default,
    string? BandwidthLimit = null,
    bool Raw = false,
    bool Resume = true,
    bool Hold = true,
    string LockDir = RunLock.DefaultDirectory,
    JsonObject? ReplicaRetention = null,
    bool AllowEmpty = false)
{
    public const string DefaultRemoteUser = "root";
    public const long DefaultRemotePort = 22;

    public ImmutableArray<string> SshOptions { get; init; } = SshOptions.IsDefault ? [] : SshOptions;

    /// <summary>Every option at its default: the spec's defaults are read from here.</summary>
    internal static ZfsReplicateArguments Defaults { get; } = new([], [], string.Empty);

    public static ZfsReplicateArguments From(ModuleParameters parameters) => parameters.Bind(ModuleArgumentsJson.Default.ZfsReplicateArguments);
}
