using System.Collections.Immutable;
using ZfsAnsible.Domain.Collections;

namespace ZfsAnsible.Domain.Policies;

/// <summary>Where a configured dataset's effective policy came from.</summary>
public enum PolicySource
{
    /// <summary>The dataset's own <c>policy</c>.</summary>
    Explicit,

    /// <summary>Taken from a configured ancestor with <c>children_inherit_policy: true</c>.</summary>
    Inherited,

    /// <summary>No policy: snapshot tooling never touches the dataset.</summary>
    Unmanaged,
}

/// <summary>
/// A configured dataset with its effective policy.
/// <paramref name="InheritedFrom"/> is the dataset that names the policy explicitly (like ZFS's "inherited from"),
/// even when it reached this one through intermediate inheriting datasets.
/// <paramref name="DiscoveryRoot"/> is the nearest configured dataset at or above this one with
/// <c>snapshots_discover_children: true</c>: unconfigured datasets below this one are managed with its policy.
/// </summary>
public sealed record ResolvedDataset(
    string Name,
    SnapshotPolicy? Policy,
    PolicySource Source,
    string? InheritedFrom,
    bool DiscoverChildren,
    string? DiscoveryRoot,
    ValueDictionary<string, string> Properties);

/// <summary>The policy an unconfigured dataset gets at snapshot time, and the configured dataset that discovers it.</summary>
public sealed record DiscoveredPolicy(SnapshotPolicy Policy, string From);

/// <summary>
/// Every configured dataset resolved, parents before children (a depth-first walk in name order),
/// with the policies the configuration defines.
/// </summary>
/// <remarks>Lookups walk the list: an inventory holds tens of datasets, and a record of plain values compares by value.</remarks>
public sealed record PolicyTree(ValueArray<ResolvedDataset> Datasets, ValueDictionary<string, SnapshotPolicy> Policies)
{
    public ResolvedDataset? Find(string datasetName) => Datasets.FirstOrDefault(d => d.Name == datasetName);

    /// <summary>
    /// The policy of a dataset that is not in the configuration (e.g. a Docker volume created at run time):
    /// inside a discovering subtree (a configured ancestor with <c>snapshots_discover_children: true</c>), it is
    /// the effective policy of the nearest configured ancestor — so a volume under <c>tank/docker/cache</c>
    /// (policy none) is not snapshotted although <c>tank/docker</c> discovers. Null outside every discovering
    /// subtree or when that ancestor has no policy (never touched), and for configured datasets, whose policy is
    /// <see cref="Find"/>'s.
    /// </summary>
    public DiscoveredPolicy? PolicyForDiscovered(string datasetName)
    {
        if (Find(datasetName) is not null)
        {
            return null;
        }

        foreach (var ancestor in PolicyResolver.Ancestors(datasetName))
        {
            if (Find(ancestor) is { } configured)
            {
                return configured.DiscoveryRoot is null || configured.Policy is null ? null : new DiscoveredPolicy(configured.Policy, configured.Name);
            }
        }

        return null;
    }

    /// <summary>Configured datasets whose effective policy is <paramref name="policyName"/>, in tree order; empty for an unknown name.</summary>
    public ImmutableArray<string> WithPolicy(string policyName) =>
        [.. Datasets.Where(d => d.Policy?.Name == policyName).Select(d => d.Name)];
}
