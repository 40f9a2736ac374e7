using ZfsAnsible.Domain.Collections;

namespace ZfsAnsible.Domain.Policies;

/// <summary>One entry of <c>zfs_datasets</c>, as written: nothing here is resolved or validated yet.</summary>
public sealed record DatasetConfig(
    string Name,
    string? Policy = null,
    bool ChildrenInheritPolicy = false,
    bool SnapshotsDiscoverChildren = false,
    ValueDictionary<string, string> Properties = default)
{
    /// <summary>Property names compare ordinally whatever comparer the caller's dictionary had.</summary>
    public ValueDictionary<string, string> Properties { get; init; } = PolicyRules.OrdinalProperties(Properties);
}
