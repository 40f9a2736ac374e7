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
        AddVdevs add => Command.Of("zpool", "add").WithArguments(add.Force ? ["-f"] : []).WithArguments(add.Name).WithArguments(add.Vdevs.ToZpoolWords()),
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
            .WithArguments(pool.Topology!.ToZpoolWords());
}
