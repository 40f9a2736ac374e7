using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Policies;

/// <summary>
/// The one mapping from JsonNode (parsed from YAML or JSON) to the domain records, so both formats share
/// validation and wording. It keeps reading past a problem, to report them all, and keeps what it can:
/// a policy with a bad count is still known, so datasets using it do not also read "unknown policy".
/// </summary>
internal sealed class DocumentReader
{
    public const string PoliciesKey = "zfs_policies";
    public const string DatasetsKey = "zfs_datasets";

    private static readonly string[] PolicyKeys = ["replicate", "snapshots"];
    private static readonly string[] DatasetKeys = ["children_inherit_policy", "name", "policy", "properties", "snapshots_discover_children"];

    public List<string> Problems { get; } = [];

    public ImmutableSortedDictionary<string, SnapshotPolicy> ReadPolicies(JsonNode? node)
    {
        var policies = ImmutableSortedDictionary.CreateBuilder<string, SnapshotPolicy>(StringComparer.Ordinal);
        if (node is null)
        {
            return policies.ToImmutable();
        }

        if (node is not JsonObject entries)
        {
            Problems.Add($"{PoliciesKey} must be a mapping of policy name to settings, got {Describe(node)}");
            return policies.ToImmutable();
        }

        foreach (var (name, entry) in entries)
        {
            var subject = $"policy '{ZfsNames.Printable(name)}'";
            if (entry is null)
            {
                // "none:" with nothing under it: a policy that takes no snapshots.
                policies[name] = new SnapshotPolicy(name, ImmutableSortedDictionary<Interval, int>.Empty, false);
                continue;
            }

            if (entry is not JsonObject settings)
            {
                Problems.Add($"{subject}: must be a mapping (snapshots, replicate), got {Describe(entry)}");
                policies[name] = new SnapshotPolicy(name, ImmutableSortedDictionary<Interval, int>.Empty, false);
                continue;
            }

            CheckKeys(subject, settings, PolicyKeys);
            policies[name] = new SnapshotPolicy(name, ReadRetention(name, subject, settings["snapshots"]), ReadBool(subject, settings, "replicate"));
        }

        return policies.ToImmutable();
    }

    public ImmutableArray<DatasetConfig> ReadDatasets(JsonNode? node)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray entries)
        {
            Problems.Add($"{DatasetsKey} must be a list of datasets, got {Describe(node)}");
            return [];
        }

        var datasets = ImmutableArray.CreateBuilder<DatasetConfig>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (ReadDataset(entries[i], $"{DatasetsKey} entry {i + 1}") is { } dataset)
            {
                datasets.Add(dataset);
            }
        }

        return datasets.ToImmutable();
    }

    /// <summary>"a mapping", "a list", "'text'", "true", "-1": what the user wrote, short and on one line.</summary>
    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => $"'{ZfsNames.Printable(value.GetValue<string>())}'",
        _ => ZfsNames.Printable(node.ToJsonString()),
    };

    private DatasetConfig? ReadDataset(JsonNode? node, string entry)
    {
        if (node is not JsonObject settings)
        {
            Problems.Add($"{entry}: must be a mapping with at least a name, got {Describe(node)}");
            return null;
        }

        var nameNode = settings["name"];
        var name = AsString(nameNode);
        var subject = name is null ? entry : PolicyRules.DatasetSubject(name);
        CheckKeys(subject, settings, DatasetKeys);
        if (name is null)
        {
            Problems.Add(nameNode is null ? $"{entry}: 'name' is missing" : $"{entry}: 'name' must be a string, got {Describe(nameNode)}");
            return null;
        }

        var policyNode = settings["policy"];
        var policy = AsString(policyNode);
        if (policyNode is not null && policy is null)
        {
            Problems.Add($"{subject}: 'policy' must be a policy name, got {Describe(policyNode)}");
        }

        return new DatasetConfig(
            name,
            policy,
            ReadBool(subject, settings, "children_inherit_policy"),
            ReadBool(subject, settings, "snapshots_discover_children"),
            ReadProperties(subject, settings["properties"]));
    }

    /// <summary>
    /// A mapping of policy name (or "*") to retention counts, e.g. zfs_replicate's replica_retention:
    /// { critical: { monthly: 24 } }. Worded like the policies' own snapshots.
    /// </summary>
    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<Interval, int>> ReadRetentionMap(string option, JsonNode? node)
    {
        var map = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedDictionary<Interval, int>>(StringComparer.Ordinal);
        if (node is null)
        {
            return map.ToImmutable();
        }

        if (node is not JsonObject entries)
        {
            Problems.Add($"{option} must be a mapping of policy name (or '*') to retention counts, got {Describe(node)}");
            return map.ToImmutable();
        }

        foreach (var (name, entry) in entries)
        {
            var retention = ReadRetention(name, $"{option} '{ZfsNames.Printable(name)}'", entry);
            Problems.AddRange(retention.Where(r => !PolicyRules.IsValidRetention(r.Value)).Select(r => PolicyRules.RetentionProblem(name, r.Key, r.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            map[name] = retention;
        }

        return map.ToImmutable();
    }

    private ImmutableSortedDictionary<Interval, int> ReadRetention(string policy, string subject, JsonNode? node)
    {
        var retention = ImmutableSortedDictionary.CreateBuilder<Interval, int>();
        if (node is null)
        {
            return retention.ToImmutable();
        }

        if (node is not JsonObject counts)
        {
            Problems.Add($"{subject}: 'snapshots' must be a mapping of interval to count, got {Describe(node)}");
            return retention.ToImmutable();
        }

        foreach (var (intervalName, countNode) in counts)
        {
            if (Intervals.Parse(intervalName) is not { } interval)
            {
                Problems.Add($"{subject}: unknown interval '{ZfsNames.Printable(intervalName)}' (known: {Intervals.KnownNames})");
                continue;
            }

            // Range is the resolver's to judge (it words it the same); here only "is it a whole number at all".
            if (countNode is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var count))
            {
                retention[interval] = count;
            }
            else
            {
                Problems.Add(PolicyRules.RetentionProblem(policy, interval, Describe(countNode)));
            }
        }

        return retention.ToImmutable();
    }

    private ImmutableSortedDictionary<string, string> ReadProperties(string subject, JsonNode? node)
    {
        var properties = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (node is null)
        {
            return properties.ToImmutable();
        }

        if (node is not JsonObject entries)
        {
            Problems.Add($"{subject}: 'properties' must be a mapping of ZFS property to value, got {Describe(node)}");
            return properties.ToImmutable();
        }

        foreach (var (name, valueNode) in entries)
        {
            var value = PropertyValueReader.Read(subject, name, valueNode);
            if (!value.IsOk)
            {
                Problems.Add(value.Error.Message);
                continue;
            }

            properties[name] = value.Value;
        }

        return properties.ToImmutable();
    }

    private bool ReadBool(string subject, JsonObject settings, string key)
    {
        var node = settings[key];
        switch (node?.GetValueKind())
        {
            case null:
                return false;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                Problems.Add($"{subject}: '{key}' must be true or false, got {Describe(node)}");
                return false;
        }
    }

    private void CheckKeys(string subject, JsonObject settings, string[] known)
    {
        foreach (var (key, _) in settings)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                Problems.Add($"{subject}: unknown key '{ZfsNames.Printable(key)}' (known: {string.Join(", ", known)})");
            }
        }
    }

    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
