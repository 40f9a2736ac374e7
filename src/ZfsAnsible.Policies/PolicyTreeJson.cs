using System.Text.Json;
using System.Text.Json.Serialization;
using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Policies;

/// <summary>
/// The resolution as JSON for the <c>zfs-policy</c> command and the Jinja filters:
/// <c>{"datasets": [{"name", "policy", "source", "inherited_from", "discover_children", "discovery_root",
/// "retention", "replicate", "properties"}], "policies": [names]}</c>. Source-generated: no reflection under NativeAOT.
/// </summary>
public static class PolicyTreeJson
{
    public static string Serialize(PolicyTree tree) =>
        JsonSerializer.Serialize(ToJson(tree), PolicyJsonContext.Default.PolicyTreeJsonModel);

    /// <summary>The answer of <c>with-policy NAME</c>: a JSON list of dataset names.</summary>
    public static string SerializeWithPolicy(PolicyTree tree, string policyName) =>
        JsonSerializer.Serialize([.. tree.WithPolicy(policyName)], PolicyJsonContext.Default.StringArray);

    internal static PolicyTreeJsonModel ToJson(PolicyTree tree) => new(
        [.. tree.Datasets.Select(ToJson)],
        [.. tree.Policies.Keys]);

    private static ResolvedDatasetJsonModel ToJson(ResolvedDataset dataset)
    {
        // Interval order (frequently … yearly), not alphabetical: OrderedDictionary keeps it.
        var retention = new OrderedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (interval, count) in dataset.Policy?.Retention ?? System.Collections.Immutable.ImmutableSortedDictionary<Interval, int>.Empty)
        {
            retention.Add(interval.YamlName(), count);
        }

        return new ResolvedDatasetJsonModel(
            dataset.Name,
            dataset.Policy?.Name,
            dataset.Source switch
            {
                PolicySource.Explicit => "explicit",
                PolicySource.Inherited => "inherited",
                _ => "unmanaged",
            },
            dataset.InheritedFrom,
            dataset.DiscoverChildren,
            dataset.DiscoveryRoot,
            retention,
            dataset.Policy?.Replicate ?? false,
            dataset.Properties);
    }
}

internal sealed record PolicyTreeJsonModel(ResolvedDatasetJsonModel[] Datasets, string[] Policies);

internal sealed record ResolvedDatasetJsonModel(
    string Name,
    string? Policy,
    string Source,
    string? InheritedFrom,
    bool DiscoverChildren,
    string? DiscoveryRoot,
    OrderedDictionary<string, int> Retention,
    bool Replicate,
    IReadOnlyDictionary<string, string> Properties);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PolicyTreeJsonModel))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
