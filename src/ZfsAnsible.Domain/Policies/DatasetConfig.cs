using System.Collections.Immutable;

namespace ZfsAnsible.Domain.Policies;

/// <summary>One entry of <c>zfs_datasets</c>, as written: nothing here is resolved or validated yet.</summary>
public sealed record DatasetConfig(
    string Name,
    string? Policy = null,
    bool ChildrenInheritPolicy = false,
    bool SnapshotsDiscoverChildren = false,
    ImmutableSortedDictionary<string, string>? Properties = null)
{
    public ImmutableSortedDictionary<string, string> Properties { get; init; } = PolicyRules.OrdinalProperties(Properties);

    public bool Equals(DatasetConfig? other) =>
        other is not null
        && Name == other.Name
        && Policy == other.Policy
        && ChildrenInheritPolicy == other.ChildrenInheritPolicy
        && SnapshotsDiscoverChildren == other.SnapshotsDiscoverChildren
        && PolicyRules.SameProperties(Properties, other.Properties);

    public override int GetHashCode() => HashCode.Combine(Name, Policy, ChildrenInheritPolicy, SnapshotsDiscoverChildren, Properties.Count);
}
