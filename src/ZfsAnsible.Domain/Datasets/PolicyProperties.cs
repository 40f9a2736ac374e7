using System.Collections.Immutable;
using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Domain.Datasets;

/// <summary>
/// A configured dataset's effective policy as ZFS user properties, written on the dataset itself so a
/// timer on the host knows it without Ansible (DESIGN §5).
/// </summary>
public static class PolicyProperties
{
    public const string Namespace = "zfsansible:";
    public const string Policy = "zfsansible:policy";
    public const string Source = "zfsansible:policy_source";
    public const string Retention = "zfsansible:retention";
    public const string Replicate = "zfsansible:replicate";
    public const string DiscoverChildren = "zfsansible:discover_children";

    public static ImmutableArray<string> Names { get; } = [Policy, Source, Retention, Replicate, DiscoverChildren];

    public static ImmutableSortedDictionary<string, string> For(ResolvedDataset dataset) =>
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
        [
            KeyValuePair.Create(Policy, dataset.Policy?.Name ?? "unmanaged"),
            KeyValuePair.Create(Source, dataset.Source switch
            {
                PolicySource.Explicit => "explicit",
                PolicySource.Inherited => $"inherited:{dataset.InheritedFrom}",
                _ => "unmanaged",
            }),
            KeyValuePair.Create(Retention, dataset.Policy is { Retention.Count: > 0 } policy
                ? string.Join(',', policy.Retention.Select(r => $"{r.Key.YamlName()}={r.Value}"))
                : "none"),
            KeyValuePair.Create(Replicate, dataset.Policy?.Replicate == true ? "on" : "off"),
            // "on" anywhere inside a discovering subtree: a dataset created later below it inherits "on" and is managed
            // with its nearest configured ancestor's policy, exactly as PolicyTree.PolicyForDiscovered decides.
            KeyValuePair.Create(DiscoverChildren, dataset.DiscoveryRoot is null ? "off" : "on"),
        ]);
}
