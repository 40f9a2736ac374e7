using System.Collections.Immutable;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Datasets;

/// <summary>
/// A configured dataset's effective policy as ZFS user properties, written on the dataset itself so a
/// timer on the host knows it without Ansible (docs/policies.md).
/// </summary>
public static class PolicyProperties
{
    public static ImmutableSortedDictionary<string, string> For(ResolvedDataset dataset) =>
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
        [
            KeyValuePair.Create(ZfsAnsibleProperties.Policy, dataset.Policy?.Name ?? "unmanaged"),
            KeyValuePair.Create(ZfsAnsibleProperties.PolicySource, dataset.Source switch
            {
                PolicySource.Explicit => "explicit",
                PolicySource.Inherited => $"inherited:{dataset.InheritedFrom}",
                _ => "unmanaged",
            }),
            KeyValuePair.Create(ZfsAnsibleProperties.Retention, RetentionText.Format(dataset.Policy?.Retention ?? [])),
            KeyValuePair.Create(ZfsAnsibleProperties.Replicate, ZfsPropertyRules.ValueOf(dataset.Policy?.Replicate == true)),
            // "on" anywhere inside a discovering subtree: a dataset created later below it inherits "on" and is managed
            // with its nearest configured ancestor's policy, exactly as PolicyTree.PolicyForDiscovered decides.
            KeyValuePair.Create(ZfsAnsibleProperties.DiscoverChildren, ZfsPropertyRules.ValueOf(dataset.DiscoveryRoot is not null)),
        ]);
}
