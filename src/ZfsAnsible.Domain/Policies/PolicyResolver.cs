using System.Collections.Immutable;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Policies;

/// <summary>
/// Turns <c>zfs_policies</c> and <c>zfs_datasets</c> into each configured dataset's effective policy (docs/policies.md):
/// its own <c>policy</c>; else the nearest configured ancestor's effective policy, if that ancestor has
/// <c>children_inherit_policy: true</c>; else unmanaged.
/// </summary>
public static class PolicyResolver
{
    /// <param name="pools">The host's pools; when given, a dataset in any other pool is an error.</param>
    public static Result<PolicyTree> Resolve(
        IReadOnlyDictionary<string, SnapshotPolicy> policies,
        IReadOnlyList<DatasetConfig> datasets,
        IReadOnlyCollection<string>? pools = null)
    {
        var problems = new List<string>();
        var knownPolicies = CheckPolicies(policies, problems);
        var configured = CheckDatasets(datasets, knownPolicies, pools, problems);
        if (problems.Count > 0)
        {
            return new PolicyConfigurationError(problems);
        }

        var resolved = new Dictionary<string, ResolvedDataset>(StringComparer.Ordinal);
        var byName = configured.ToDictionary(d => d.Name, StringComparer.Ordinal);

        // Tree order puts every ancestor before its descendants, so an ancestor is always resolved first.
        foreach (var dataset in configured.OrderBy(d => d.Name, TreeOrder.Instance))
        {
            var parent = Ancestors(dataset.Name).Select(resolved.GetValueOrDefault).FirstOrDefault(a => a is not null);
            var parentConfig = parent is null ? null : byName[parent.Name];
            var (policy, source, inheritedFrom) = dataset.Policy is { } own
                ? (knownPolicies[own], PolicySource.Explicit, null)
                : parent is { Policy: not null } && parentConfig!.ChildrenInheritPolicy
                    ? (parent.Policy, PolicySource.Inherited, parent.InheritedFrom ?? parent.Name)
                    : ((SnapshotPolicy?)null, PolicySource.Unmanaged, (string?)null);
            var discoveryRoot = dataset.SnapshotsDiscoverChildren ? dataset.Name : parent?.DiscoveryRoot;
            resolved[dataset.Name] = new ResolvedDataset(
                dataset.Name, policy, source, inheritedFrom, dataset.SnapshotsDiscoverChildren, discoveryRoot, dataset.Properties);
        }

        return Result.Ok(new PolicyTree(
            [.. resolved.Values.OrderBy(d => d.Name, TreeOrder.Instance)],
            knownPolicies.ToImmutableSortedDictionary(StringComparer.Ordinal)));
    }

    /// <summary>"a/b/c" → "a/b", "a": nearest first.</summary>
    public static IEnumerable<string> Ancestors(string datasetName)
    {
        for (var slash = datasetName.LastIndexOf('/'); slash > 0; slash = datasetName.LastIndexOf('/', slash - 1))
        {
            yield return datasetName[..slash];
        }
    }

    private static Dictionary<string, SnapshotPolicy> CheckPolicies(IReadOnlyDictionary<string, SnapshotPolicy> policies, List<string> problems)
    {
        var known = new Dictionary<string, SnapshotPolicy>(StringComparer.Ordinal);
        foreach (var (key, policy) in policies.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // An invalid name stays known, so datasets that use it do not also report "unknown policy".
            known[key] = policy;
            if (PolicyRules.CheckPolicyName(key) is { } nameProblem)
            {
                problems.Add(nameProblem);
                continue;
            }

            if (policy.Name != key)
            {
                problems.Add($"policy '{key}': defined under that key but named '{ZfsNames.Printable(policy.Name)}'");
            }

            foreach (var (interval, count) in policy.Retention)
            {
                if (!PolicyRules.IsValidRetention(count))
                {
                    problems.Add(PolicyRules.RetentionProblem(key, interval, count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }

        return known;
    }

    private static List<DatasetConfig> CheckDatasets(
        IReadOnlyList<DatasetConfig> datasets,
        Dictionary<string, SnapshotPolicy> policies,
        IReadOnlyCollection<string>? pools,
        List<string> problems)
    {
        var firstEntry = new Dictionary<string, int>(StringComparer.Ordinal);
        var valid = new List<DatasetConfig>();
        for (var i = 0; i < datasets.Count; i++)
        {
            var dataset = datasets[i];
            var entry = i + 1;
            var subject = PolicyRules.DatasetSubject(dataset.Name);
            if (ZfsNames.CheckDatasetName(dataset.Name) is { } nameError)
            {
                problems.Add(dataset.Name.Length == 0 ? $"zfs_datasets entry {entry}: {nameError.Message}"
                    : nameError.Message.Contains($"'{ZfsNames.Printable(dataset.Name)}'", StringComparison.Ordinal) ? nameError.Message
                    : $"{subject}: {nameError.Message}");
                continue;
            }

            if (firstEntry.TryGetValue(dataset.Name, out var first))
            {
                problems.Add($"{subject}: duplicate dataset (zfs_datasets entries {first} and {entry})");
                continue;
            }

            firstEntry[dataset.Name] = entry;
            var problemsBefore = problems.Count;
            var pool = dataset.Name.Split('/')[0];
            if (pools is not null && !pools.Contains(pool, StringComparer.Ordinal))
            {
                problems.Add(pools.Count == 0
                    ? $"{subject}: outside every pool of this host (the host has no pools)"
                    : $"{subject}: outside every pool of this host (pools: {string.Join(", ", pools.Order(StringComparer.Ordinal))})");
            }

            if (dataset.Policy is { } policy && !policies.ContainsKey(policy))
            {
                problems.Add(policies.Count == 0
                    ? $"{subject}: unknown policy '{ZfsNames.Printable(policy)}' (no policies are defined in zfs_policies)"
                    : $"{subject}: unknown policy '{ZfsNames.Printable(policy)}' (known: {string.Join(", ", policies.Keys.Order(StringComparer.Ordinal))})");
            }

            foreach (var (name, value) in dataset.Properties)
            {
                if (ZfsPropertyRules.Check(subject, name, value) is { } propertyProblem)
                {
                    problems.Add(propertyProblem);
                }
            }

            if (problems.Count == problemsBefore)
            {
                valid.Add(dataset);
            }
        }

        return valid;
    }

    /// <summary>Compares component by component, so a subtree stays together ("a/b", "a/b/c", then "a/b-c").</summary>
    private sealed class TreeOrder : IComparer<string>
    {
        public static readonly TreeOrder Instance = new();

        public int Compare(string? x, string? y) =>
            string.CompareOrdinal(x?.Replace('/', '\0'), y?.Replace('/', '\0'));
    }
}
