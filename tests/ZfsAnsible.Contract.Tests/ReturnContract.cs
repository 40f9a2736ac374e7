using System.Text.Json;
using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>
/// A module's answer held to its RETURN documentation as ansible-doc shows it: every key it returns documented with
/// the type it has, recursively through <c>contains</c>, and every key documented as returned always (or on
/// success, for a successful answer) present. Two conventions of the docs are read as written: a dict whose
/// description says it is "keyed by" something holds one <c>contains</c> entry per key, and a value may be null only
/// where its description says when it is null.
/// </summary>
public static class ReturnContract
{
    /// <summary>Ansible's common return values: documented once by Ansible, so a module need not document them.</summary>
    private static readonly string[] Common = ["changed", "failed", "msg", "invocation", "diff", "warnings", "deprecations"];

    /// <summary>The RETURN section of the installed collection's module, read by ansible-doc itself.</summary>
    public static JsonObject Documented(string module)
    {
        var outcome = Processes.Run("ansible-doc", ["-j", $"zfsansible.zfs.{module}"], new Dictionary<string, string> { ["ANSIBLE_COLLECTIONS_PATH"] = Repository.CollectionsPath });
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        return JsonNode.Parse(outcome.StandardOutput)![$"zfsansible.zfs.{module}"]!["return"]!.AsObject();
    }

    public static IReadOnlyList<string> Violations(JsonObject answer, JsonObject documented)
    {
        var succeeded = answer["failed"]?.GetValue<bool>() != true;
        return [.. Keys(string.Empty, answer, documented, succeeded, topLevel: true)];
    }

    private static IEnumerable<string> Keys(string path, JsonObject values, JsonObject documented, bool succeeded, bool topLevel)
    {
        foreach (var (key, value) in values)
        {
            if (documented[key] is not JsonObject doc)
            {
                // The common ones a module may document, and is then held to its documentation.
                if (!(topLevel && Common.Contains(key)))
                {
                    yield return $"{path}{key}: returned but not documented";
                }

                continue;
            }

            foreach (var violation in Value(path + key, value, doc, succeeded))
            {
                yield return violation;
            }
        }

        foreach (var (key, doc) in documented)
        {
            // Inside contains, a key without its own returned: is returned with its parent.
            var returned = doc?["returned"]?.GetValue<string>() ?? (topLevel ? null : "always");
            if ((returned == "always" || (succeeded && returned == "success")) && !values.ContainsKey(key))
            {
                yield return $"{path}{key}: documented as returned {returned}, but missing";
            }
        }
    }

    private static IEnumerable<string> Value(string path, JsonNode? value, JsonObject doc, bool succeeded)
    {
        var type = doc["type"]?.GetValue<string>() ?? "str";
        if (value is null && System.Text.RegularExpressions.Regex.IsMatch(Description(doc), @"\bnull\b"))
        {
            yield break;
        }

        if (!Holds(value, type))
        {
            yield return $"{path}: {Kind(value)} returned, documented as {type}";
            yield break;
        }

        var contains = doc["contains"] as JsonObject;
        var nested = value switch
        {
            JsonObject map when contains is not null && Description(doc).Contains("keyed by", StringComparison.Ordinal) =>
                map.Select(entry => ($"{path}.{entry.Key}", entry.Value as JsonObject)).ToList(),
            JsonObject one when contains is not null => [(path, one)],
            JsonArray many when contains is not null => many.Select((item, i) => ($"{path}[{i}]", item as JsonObject)).ToList(),
            _ => new List<(string, JsonObject?)>(),
        };
        foreach (var (where, item) in nested)
        {
            if (item is null)
            {
                yield return $"{where}: not a dict, though the documentation says what it contains";
                continue;
            }

            foreach (var violation in Keys(where + ".", item, contains!, succeeded, topLevel: false))
            {
                yield return violation;
            }
        }

        if (value is JsonArray list && contains is null && doc["elements"]?.GetValue<string>() is { } elements)
        {
            foreach (var (item, i) in list.Select((item, i) => (item, i)).Where(e => !Holds(e.item, elements)))
            {
                yield return $"{path}[{i}]: {Kind(item)} returned, documented as elements {elements}";
            }
        }
    }

    private static string Description(JsonObject doc) => doc["description"] switch
    {
        JsonArray lines => string.Join(' ', lines.Select(l => l?.ToString())),
        { } text => text.ToString(),
        null => string.Empty,
    };

    private static bool Holds(JsonNode? value, string type) => type switch
    {
        "raw" => true,
        "str" or "path" => value?.GetValueKind() == JsonValueKind.String,
        "bool" => value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "int" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out _),
        "float" => value?.GetValueKind() == JsonValueKind.Number,
        "list" => value is JsonArray,
        "dict" => value is JsonObject,
        "complex" => value is JsonObject or JsonArray,
        _ => false,
    };

    private static string Kind(JsonNode? value) => value is null ? "null" : value.GetValueKind().ToString().ToLowerInvariant();
}
