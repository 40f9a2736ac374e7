using System.Collections.Immutable;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs;

/// <summary>The zpool/zfs command for each planned change; pure, so the exact argv is unit-tested.</summary>
public static class ZpoolCommands
{
    public static Command For(PoolAction action) => action switch
    {
        CreatePool create => Create(create.Declaration),
        ImportPool import => Command.Of("zpool", "import")
            .WithArguments(import.SearchDirectories.SelectMany(d => new[] { "-d", d }))
            .WithArguments(import.Altroot is null ? [] : ["-R", import.Altroot])
            .WithArguments(import.Name),
        ExportPool export => Command.Of("zpool", "export", export.Name),
        DestroyPool destroy => Command.Of("zpool", "destroy", destroy.Name),
        AddVdevs add => Command.Of("zpool", "add").WithArguments(add.Force ? ["-f"] : []).WithArguments(add.Name).WithArguments(VdevWords(add.Vdevs)),
        SetPoolProperty set => Command.Of("zpool", "set", $"{set.Property}={set.Value}", set.Name),
        SetFilesystemProperty set => Command.Of("zfs", "set", $"{set.Property}={set.Value}", set.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action.GetType().Name, "no command for this action"),
    };

    private static Command Create(PoolDeclaration pool) =>
        Command.Of("zpool", "create")
            .WithArguments(pool.Force ? ["-f"] : [])
            .WithArguments(pool.Mountpoint is null ? [] : ["-m", pool.Mountpoint])
            .WithArguments(pool.Altroot is null ? [] : ["-R", pool.Altroot])
            .WithArguments(pool.Properties.SelectMany(p => new[] { "-o", $"{p.Key}={p.Value}" }))
            .WithArguments(pool.FilesystemProperties.SelectMany(p => new[] { "-O", $"{p.Key}={p.Value}" }))
            .WithArguments(pool.Name)
            .WithArguments(VdevWords(pool.Topology!));

    /// <summary>
    /// zpool create/add words for a topology: data vdevs first, then each class word once followed by all its vdevs
    /// ("log mirror a b mirror c d cache e f") — zpool refuses a class word given twice.
    /// </summary>
    public static ImmutableArray<string> VdevWords(PoolTopology topology) =>
    [
        .. topology.Vdevs.GroupBy(v => v.Class).OrderBy(g => g.Key).SelectMany(group =>
            (group.Key == VdevClass.Data ? [] : new[] { group.Key.ToString().ToLowerInvariant() })
                .Concat(group.SelectMany(Words))),
    ];

    /// <summary>One vdev without its class word, e.g. "mirror a b"; a single disk is just its path.</summary>
    private static IEnumerable<string> Words(TopLevelVdev vdev) =>
        vdev.Layout == VdevLayout.Disk ? vdev.Devices : vdev.Devices.Prepend(vdev.Layout.ToString().ToLowerInvariant());
}
