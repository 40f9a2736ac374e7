using System.Collections.Immutable;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Datasets;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Zfs.Execution;
using ZfsAnsible.Zfs.Parsing;

namespace ZfsAnsible.Zfs;

/// <summary>Datasets through zfs list/get/create/set/destroy; "zfs get -Hp" works on every supported CLI.</summary>
public sealed class ZfsDatasets(ICommandRunner runner)
{
    private readonly ZfsExecutor _zfs = new(runner);

    public Result<IReadOnlyDictionary<string, ObservedProperty>> Properties(string dataset, IReadOnlyCollection<string> names) =>
        PropertiesOf([dataset], names).Map(all => all.TryGetValue(dataset, out var properties)
            ? properties
            : (IReadOnlyDictionary<string, ObservedProperty>)ImmutableDictionary<string, ObservedProperty>.Empty);

    /// <summary>Properties of many datasets in one zfs get.</summary>
    public Result<IReadOnlyDictionary<string, IReadOnlyDictionary<string, ObservedProperty>>> PropertiesOf(IReadOnlyCollection<string> datasets, IReadOnlyCollection<string> names)
    {
        if (datasets.Count == 0 || names.Count == 0)
        {
            return Result.Ok<IReadOnlyDictionary<string, IReadOnlyDictionary<string, ObservedProperty>>>(ImmutableDictionary<string, IReadOnlyDictionary<string, ObservedProperty>>.Empty);
        }

        var command = Command.Of("zfs", "get", "-H", "-p", "-o", "name,property,value,source", string.Join(',', names)).WithArguments(datasets);
        return _zfs.Read(command).Map(output => (IReadOnlyDictionary<string, IReadOnlyDictionary<string, ObservedProperty>>)GetOutput.ByObject(output)
            .ToImmutableDictionary(o => o.Key, o => (IReadOnlyDictionary<string, ObservedProperty>)o.Value, StringComparer.Ordinal));
    }

    /// <summary>Every filesystem and volume the imported pools hold.</summary>
    public Result<ImmutableHashSet<string>> Existing() =>
        _zfs.Read(Command.Of("zfs", "list", "-H", "-o", "name", "-t", "filesystem,volume"))
            .Map(output => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToImmutableHashSet(StringComparer.Ordinal));
}

/// <summary>The zfs command for each planned dataset change; pure, so the argv is unit-tested.</summary>
public static class DatasetCommands
{
    public static Command For(DatasetAction action) => action switch
    {
        // -p creates missing parents; -o applies to the new dataset itself.
        CreateDataset create => Command.Of("zfs", "create", "-p")
            .WithArguments(create.Properties.SelectMany(p => new[] { "-o", $"{p.Key}={p.Value}" }))
            .WithArguments(create.Dataset),
        SetDatasetProperty set => Command.Of("zfs", "set", $"{set.Property}={set.Value}", set.Dataset),
        DestroyDataset destroy => Command.Of("zfs", "destroy", destroy.Dataset),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action.GetType().Name, "no command for this action"),
    };
}
