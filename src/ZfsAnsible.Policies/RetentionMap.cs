using System.Collections.Immutable;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Policies;

/// <summary>Reads a mapping of policy name to retention counts with the policies' own rules and wording.</summary>
public static class RetentionMap
{
    public static Result<ImmutableSortedDictionary<string, ImmutableSortedDictionary<Interval, int>>> Read(string option, JsonNode? node)
    {
        var reader = new DocumentReader();
        var map = reader.ReadRetentionMap(option, node);
        return Result.From(reader.Problems, () => map);
    }
}
