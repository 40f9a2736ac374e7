using System.Collections.Immutable;
using ZfsAnsible.Domain.Collections;
using ZfsAnsible.Domain.Datasets;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Snapshots;

/// <summary>A dataset the snapshot timer manages, with the policy it reads from the dataset's own properties.</summary>
/// <param name="From">The configured dataset the policy was read from: itself, or the discovering ancestor.</param>
/// <param name="Replica">A received replica: pruned by its retention, never snapshotted, its newest snapshot always kept.</param>
public sealed record ManagedDataset(string Name, string Policy, ValueDictionary<Interval, int> Retention, string From, bool Replica = false)
{
    public int RetentionFor(Interval interval) => Retention.GetValueOrDefault(interval);
}

/// <summary>
/// Which datasets are managed, from the zfsansible: user properties zfs_dataset_policy wrote (docs/policies.md). Every
/// configured dataset carries them locally; a dataset created later (a Docker volume) inherits them from its
/// nearest configured ancestor and is managed only when that ancestor sits in a discovering subtree
/// (discover_children on). A dataset without the properties is never touched.
/// </summary>
public static class ManagedDatasets
{
    /// <remarks>A received replica carries zfsansible:replica_retention, set locally by the pull that made it.</remarks>
    public static Result<ImmutableArray<ManagedDataset>> FromProperties(IReadOnlyDictionary<string, ImmutableDictionary<string, ObservedProperty>> datasets)
    {
        var (managed, problems) = Read(datasets);
        return problems.IsEmpty ? Result.Ok(managed) : Result<ImmutableArray<ManagedDataset>>.Fail(string.Join("; ", problems));
    }

    /// <summary>
    /// The datasets whose policy reads, and a problem for each that does not: the snapshot timer refuses to run on any
    /// problem (<see cref="FromProperties"/>), a report (zfs-api) shows the rest and the problems beside them.
    /// </summary>
    public static (ImmutableArray<ManagedDataset> Managed, ImmutableArray<string> Problems) Read(IReadOnlyDictionary<string, ImmutableDictionary<string, ObservedProperty>> datasets)
    {
        var managed = ImmutableArray.CreateBuilder<ManagedDataset>();
        var problems = ImmutableArray.CreateBuilder<string>();
        foreach (var (name, properties) in datasets.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (properties.TryGetValue(ZfsAnsibleProperties.ReplicaRetention, out var replicaRetention) && replicaRetention.IsLocal)
            {
                if (RetentionText.Parse(replicaRetention.Value) is { } kept)
                {
                    var replicaPolicy = properties.TryGetValue(ZfsAnsibleProperties.ReplicaPolicy, out var p) && p.IsLocal ? p.Value : "unknown";
                    managed.Add(new ManagedDataset(name, replicaPolicy, kept, name, Replica: true));
                }
                else
                {
                    problems.Add($"{name}: cannot read {ZfsAnsibleProperties.ReplicaRetention} '{replicaRetention.Value}' (expected e.g. hourly=24,daily=7 or none); the next pull sets it again");
                }

                continue;
            }

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

            var retention = properties.TryGetValue(ZfsAnsibleProperties.Retention, out var value) ? RetentionText.Parse(value.Value) : null;
            if (retention is null)
            {
                problems.Add($"{name}: cannot read {ZfsAnsibleProperties.Retention} '{value?.Value}' (expected e.g. hourly=24,daily=7 or none); run zfs_dataset_policy again");
                continue;
            }

            var from = policy.Source is PropertySource.Inherited inherited ? inherited.From : name;
            managed.Add(new ManagedDataset(name, policy.Value, retention, from));
        }

        return (managed.ToImmutable(), problems.ToImmutable());
    }
}
