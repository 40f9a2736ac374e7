using System.Collections.Immutable;
using ZfsAnsible.Domain.Collections;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Datasets;

/// <summary>What the ZFS layer saw: which datasets exist, and their properties (value and source).</summary>
public sealed record DatasetObservation(
    ImmutableHashSet<string> Existing,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, ObservedProperty>> Properties)
{
    public ObservedProperty? PropertyOf(string dataset, string property) =>
        Properties.TryGetValue(dataset, out var properties) && properties.TryGetValue(property, out var value) ? value : null;
}

/// <summary>One change to one dataset; each becomes exactly one zfs command.</summary>
public abstract record DatasetAction(string Dataset);

public sealed record CreateDataset(string Dataset, ValueDictionary<string, string> Properties) : DatasetAction(Dataset);

public sealed record SetDatasetProperty(string Dataset, string Property, string Value, ObservedProperty? Before) : DatasetAction(Dataset);

public sealed record DestroyDataset(string Dataset) : DatasetAction(Dataset);

/// <summary>The changes for the whole tree, in tree order (parents first), and the warnings.</summary>
public sealed record DatasetPlan(ImmutableArray<DatasetAction> Actions, ImmutableArray<string> Warnings);

/// <summary>
/// Decides, without I/O, how to bring datasets to their declaration: create what is missing (with its
/// properties), set only what differs, never re-set what ZFS fixes at creation, and destroy only when asked twice.
/// </summary>
public static class DatasetPlanner
{
    public static DatasetPlan Converge(PolicyTree tree, DatasetObservation observed)
    {
        var actions = ImmutableArray.CreateBuilder<DatasetAction>();
        var warnings = ImmutableArray.CreateBuilder<string>();
        foreach (var dataset in tree.Datasets)
        {
            var desired = dataset.Properties.Entries.SetItems(PolicyProperties.For(dataset));
            if (!observed.Existing.Contains(dataset.Name))
            {
                actions.Add(new CreateDataset(dataset.Name, desired));
                continue;
            }

            foreach (var (property, value) in desired)
            {
                var current = observed.PropertyOf(dataset.Name, property);

                // Policy properties must be set on the dataset itself: inherited, they describe an ancestor's policy.
                var mustBeLocal = ZfsAnsibleProperties.IsOwn(property);
                if (current is not null && PropertyValues.AreEquivalent(value, current.Value) && (!mustBeLocal || current.IsLocal))
                {
                    continue;
                }

                if (PoolPlanner.CreationOnlyFilesystemProperties.Contains(property))
                {
                    warnings.Add($"{dataset.Name}: {property} is {current?.Value ?? "unknown"}, declared {value}: it is fixed when the dataset is created and was not changed");
                    continue;
                }

                actions.Add(new SetDatasetProperty(dataset.Name, property, value, current));
            }
        }

        return new DatasetPlan(actions.ToImmutable(), warnings.ToImmutable());
    }

    /// <summary>state: absent for one dataset: refused without allow_destroy, nothing to do when it is gone.</summary>
    public static Result<DatasetPlan> Destroy(string dataset, bool allowDestroy, DatasetObservation observed)
    {
        if (!observed.Existing.Contains(dataset))
        {
            return Result.Ok(new DatasetPlan([], []));
        }

        return allowDestroy
            ? Result.Ok(new DatasetPlan([new DestroyDataset(dataset)], []))
            : Result<DatasetPlan>.Fail($"refusing to destroy dataset {dataset}: state absent also needs allow_destroy: true");
    }
}
