using System.Collections.Immutable;
using ZfsAnsible.Domain.Collections;
using ZfsAnsible.Domain.Datasets;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Snapshots;

/// <summary>A dataset the snapshot timer manages, with the policy it reads from the dataset's own properties.</summary>
/// <param name="From">The configured dataset the policy was read from: itself, or the discovering ancestor.</param>
public sealed record ManagedDataset(string Name, string Policy, ValueDictionary<Interval, int> Retention, string From)
{
    public int RetentionFor(Interval interval) => Retention.GetValueOrDefault(interval);
}

/// <summary>
/// Which datasets are managed, from the zfsansible: user properties zfs_dataset_policy wrote (DESIGN §5). Every
/// configured dataset carries them locally; a dataset created later (a Docker volume) inherits them from its
/// nearest configured ancestor and is managed only when that ancestor sits in a discovering subtree
/// (discover_children on). A dataset without the properties is never touched.
/// </summary>
public static class ManagedDatasets
{
    public static Result<ImmutableArray<ManagedDataset>> FromProperties(IReadOnlyDictionary<string, ImmutableDictionary<string, ObservedProperty>> datasets)
    {
        var managed = ImmutableArray.CreateBuilder<ManagedDataset>();
        var problems = new List<string>();
        foreach (var (name, properties) in datasets.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (!properties.TryGetValue(ZfsAnsibleProperties.Policy, out var policy) || policy.Value is "-" or "" or "unmanaged" || !policy.IsSet)
            {
                continue;
            }

            var local = policy.IsLocal;
            var discovered = properties.TryGetValue(ZfsAnsibleProperties.DiscoverChildren, out var discover) && ZfsPropertyRules.IsOn(discover.Value);
            if (!local && !discovered)
            {
                continue;
            }

            var retention = properties.TryGetValue(ZfsAnsibleProperties.Retention, out var value) ? ParseRetention(value.Value) : null;
            if (retention is null)
            {
                problems.Add($"{name}: cannot read {ZfsAnsibleProperties.Retention} '{value?.Value}' (expected e.g. hourly=24,daily=7 or none); run zfs_dataset_policy again");
                continue;
            }

            var from = policy.Source is PropertySource.Inherited inherited ? inherited.From : name;
            managed.Add(new ManagedDataset(name, policy.Value, retention, from));
        }

        return problems.Count > 0 ? Result<ImmutableArray<ManagedDataset>>.Fail(string.Join("; ", problems)) : Result.Ok(managed.ToImmutable());
    }

    /// <summary>"hourly=48,daily=30" (written by <see cref="PolicyProperties"/>) or "none"; null when unreadable.</summary>
    public static ImmutableSortedDictionary<Interval, int>? ParseRetention(string text)
    {
        if (text == "none")
        {
            return ImmutableSortedDictionary<Interval, int>.Empty;
        }

        var retention = ImmutableSortedDictionary.CreateBuilder<Interval, int>();
        foreach (var entry in text.Split(','))
        {
            var parts = entry.Split('=');
            if (parts.Length != 2 || Intervals.Parse(parts[0]) is not { } interval || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
                || retention.ContainsKey(interval))
            {
                return null;
            }

            retention[interval] = count;
        }

        return retention.ToImmutable();
    }
}
