using System.Collections.Immutable;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Replication;

/// <summary>
/// What a pull writes on each replica it makes (zfsansible:replica_policy and zfsansible:replica_retention), so the
/// backup server's snapshot timer prunes the replica by policy without ever taking a snapshot of it (docs/safety.md rule 8).
/// </summary>
/// <param name="Retention">In the properties' text form ("hourly=24,daily=14", "none").</param>
public sealed record ReplicaLabel(string Policy, string Retention)
{
    /// <summary>The key of <c>replica_retention</c> that applies to every policy.</summary>
    public const string AnyPolicy = "*";

    /// <summary>The properties that carry the label, set by <see cref="LabelReplica"/> or by a full receive (<see cref="Transfer.Label"/>).</summary>
    public ImmutableArray<(string Property, string Value)> Properties => [(ZfsAnsibleProperties.ReplicaPolicy, Policy), (ZfsAnsibleProperties.ReplicaRetention, Retention)];

    /// <summary>
    /// The label a source dataset asks for: its policy and retention, or, when the source is itself a replica (an
    /// offsite push from the backup server), the label it carries. Null for a dataset without a policy.
    /// </summary>
    /// <remarks>
    /// The text comes from the source's properties: a name or count that the policy rules would not accept (a line
    /// break, a count out of range) is no label, so a source cannot smuggle text into the backup server's properties.
    /// </remarks>
    public static ReplicaLabel? Of(string? policy, string? retention) =>
        policy is null or "" or "-" or "unmanaged" || PolicyRules.CheckPolicyName(policy) is not null
        || retention is null || RetentionText.Parse(retention) is not { } counts || counts.Values.Any(c => !PolicyRules.IsValidRetention(c))
            ? null
            : new(policy, RetentionText.Format(counts));

    /// <summary>
    /// The retention the backup keeps: the source's, with the intervals of the <see cref="AnyPolicy"/> entry and then
    /// of this policy's entry put over it (e.g. { critical: { monthly: 24 } } keeps two years of monthlies).
    /// </summary>
    public ReplicaLabel WithOverrides(IReadOnlyDictionary<string, ImmutableSortedDictionary<Interval, int>> overrides)
    {
        if (overrides.Count == 0)
        {
            return this;
        }

        var retention = (RetentionText.Parse(Retention) ?? ImmutableSortedDictionary<Interval, int>.Empty).ToBuilder();
        foreach (var key in new[] { AnyPolicy, Policy })
        {
            foreach (var (interval, count) in overrides.GetValueOrDefault(key) ?? ImmutableSortedDictionary<Interval, int>.Empty)
            {
                retention[interval] = count;
            }
        }

        return this with { Retention = RetentionText.Format(retention) };
    }
}
