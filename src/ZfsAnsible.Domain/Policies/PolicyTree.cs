using System.Collections.Immutable;

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
    ImmutableSortedDictionary<string, string> Properties)
{
    public bool Equals(ResolvedDataset? other) =>
        other is not null
        && Name == other.Name
        && Equals(Policy, other.Policy)
        && Source == other.Source
        && InheritedFrom == other.InheritedFrom
        && DiscoverChildren == other.DiscoverChildren
        && DiscoveryRoot == other.DiscoveryRoot
        && PolicyRules.SameProperties(Properties, other.Properties);

    public override int GetHashCode() => HashCode.Combine(Name, Policy, Source, InheritedFrom, DiscoverChildren, DiscoveryRoot);
}

/// <summary>The policy an unconfigured dataset gets at snapshot time, and the configured dataset that discovers it.</summary>
public sealed record DiscoveredPolicy(SnapshotPolicy Policy, string From);

/// <summary>
/// Every configured dataset resolved, parents before children (a depth-first walk in name order),
/// with the policies the configuration defines.
/// </summary>
public sealed record PolicyTree
{
    private readonly ImmutableDictionary<string, ResolvedDataset> _byName;

    public PolicyTree(ImmutableArray<ResolvedDataset> datasets, ImmutableSortedDictionary<string, SnapshotPolicy> policies)
    {
        Datasets = datasets;
        Policies = policies;
        _byName = datasets.ToImmutableDictionary(d => d.Name, StringComparer.Ordinal);
    }

    public ImmutableArray<ResolvedDataset> Datasets { get; }

    public ImmutableSortedDictionary<string, SnapshotPolicy> Policies { get; }

    public ResolvedDataset? Find(string datasetName) => _byName.GetValueOrDefault(datasetName);

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
        if (_byName.ContainsKey(datasetName))
        {
            return null;
        }

        foreach (var ancestor in PolicyResolver.Ancestors(datasetName))
        {
            if (_byName.TryGetValue(ancestor, out var configured))
            {
                return configured.DiscoveryRoot is null || configured.Policy is null ? null : new DiscoveredPolicy(configured.Policy, configured.Name);
            }
        }

        return null;
    }

    /// <summary>Configured datasets whose effective policy is <paramref name="policyName"/>, in tree order; empty for an unknown name.</summary>
    public ImmutableArray<string> WithPolicy(string policyName) =>
        [.. Datasets.Where(d => d.Policy?.Name == policyName).Select(d => d.Name)];

    public bool Equals(PolicyTree? other) =>
        other is not null
        && Datasets.SequenceEqual(other.Datasets)
        && Policies.Count == other.Policies.Count
        && Policies.All(p => other.Policies.TryGetValue(p.Key, out var policy) && p.Value.Equals(policy));

    public override int GetHashCode() => HashCode.Combine(Datasets.Length, Policies.Count);
}
