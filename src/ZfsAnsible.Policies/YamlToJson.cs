using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;

namespace ZfsAnsible.Policies;

/// <summary>
/// YAML → JsonNode through YamlDotNet's RepresentationModel (no reflection), so YAML and JSON inputs meet in one
/// reader. Plain scalars are typed the way PyYAML (YAML 1.1) types them, since that is how Ansible reads the
/// same inventory: yes/no/on/off are booleans, ~ and null are null; quoted scalars are always strings.
/// </summary>
internal static partial class YamlToJson
{
    /// <summary>Deeper than any real inventory; far below what would exhaust the stack of the recursive loader.</summary>
    public const int MaxDepth = 64;

    /// <summary>Bounds alias expansion ("billion laughs").</summary>
    public const int MaxValues = 100_000;

    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    public static Result<JsonNode?> Convert(string text, string what)
    {
        YamlStream stream;
        try
        {
            if (PreScan(text, what) is { } refused)
            {
                return refused;
            }

            stream = new YamlStream();
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return Result<JsonNode?>.Fail($"{what} is not valid YAML: line {e.Start.Line}, column {e.Start.Column}: {PolicyDocument.OneLine(e.Message)}");
        }
        catch (ArgumentException e)
        {
            // Duplicate keys surface from the loader's dictionary on some inputs.
            return Result<JsonNode?>.Fail($"{what} is not valid YAML: {PolicyDocument.OneLine(e.Message)}");
        }

        if (stream.Documents.Count > 1)
        {
            return Result<JsonNode?>.Fail($"{what} holds {stream.Documents.Count} YAML documents; expected one");
        }

        if (stream.Documents.Count == 0)
        {
            return Result<JsonNode?>.Ok(null);
        }

        var converter = new Converter();
        var root = converter.Convert(stream.Documents[0].RootNode, 0);
        return converter.Problem is { } problem
            ? Result<JsonNode?>.Fail($"{what} is not usable YAML: {problem}")
            : Result<JsonNode?>.Ok(root);
    }

    /// <summary>The event parser is iterative: hostile nesting is refused here, before the recursive loader could overflow the stack.</summary>
    private static Error? PreScan(string text, string what)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart or SequenceStart:
                    if (++depth > MaxDepth)
                    {
                        return new Error($"{what} is not usable YAML: line {parser.Current.Start.Line}: nested deeper than {MaxDepth} levels");
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }

        return null;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        var tag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? null : scalar.Tag.Value;
        var coreType = tag is not null && tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? tag[CoreTagPrefix.Length..] : null;

        // Quoted, block and "!!str" scalars are text; so are other tags (Ansible's !unsafe, !vault).
        if (coreType == "str" || (tag is not null && coreType is null) || (tag is null && scalar.Style != ScalarStyle.Plain))
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF")
        {
            return JsonValue.Create(false);
        }

        // JSON's number grammar: parsing the text keeps it exact ("1.50" stays "1.50"), as it does for JSON input.
        return JsonNumber().IsMatch(text) ? JsonNode.Parse(text) : JsonValue.Create(text);
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    private sealed class Converter
    {
        private int _values;

        public string? Problem { get; private set; }

        public JsonNode? Convert(YamlNode node, int depth)
        {
            if (Problem is not null)
            {
                return null;
            }

            // Aliases are shared nodes: a self-referencing one would recurse forever, a fan of them would explode.
            if (depth > MaxDepth)
            {
                return Fail(node, $"nested deeper than {MaxDepth} levels (or an alias refers to itself)");
            }

            if (++_values > MaxValues)
            {
                return Fail(node, $"more than {MaxValues} values once aliases are expanded");
            }

            switch (node)
            {
                case YamlScalarNode scalar:
                    return Scalar(scalar);
                case YamlSequenceNode sequence:
                    var array = new JsonArray();
                    foreach (var child in sequence.Children)
                    {
                        array.Add(Convert(child, depth + 1));
                    }

                    return array;
                case YamlMappingNode mapping:
                    return Mapping(mapping, depth);
                default:
                    return Fail(node, "an alias that refers to nothing");
            }
        }

        private JsonObject? Mapping(YamlMappingNode mapping, int depth)
        {
            var result = new JsonObject();
            var merges = new List<YamlNode>();
            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                if (keyNode is not YamlScalarNode key)
                {
                    Fail(keyNode, "a mapping key must be a plain value, not a list or a mapping");
                    return null;
                }

                // "<<: *defaults" merges another mapping, as PyYAML does.
                if (key.Value == "<<" && key.Style == ScalarStyle.Plain)
                {
                    merges.Add(valueNode);
                    continue;
                }

                var name = key.Value ?? string.Empty;
                if (result.ContainsKey(name))
                {
                    Fail(keyNode, $"duplicate key '{ZfsNames.Printable(name)}'");
                    return null;
                }

                result[name] = Convert(valueNode, depth + 1);
            }

            foreach (var source in merges.SelectMany(m => m is YamlSequenceNode list ? list.Children : [m]))
            {
                if (Convert(source, depth + 1) is not JsonObject merged)
                {
                    Fail(source, "'<<' must merge a mapping or a list of mappings");
                    return null;
                }

                // Keys written in the mapping itself win, then earlier merged mappings.
                foreach (var name in merged.Select(p => p.Key).ToList())
                {
                    if (!result.ContainsKey(name))
                    {
                        var value = merged[name];
                        merged.Remove(name);
                        result[name] = value;
                    }
                }
            }

            return Problem is null ? result : null;
        }

        private JsonNode? Fail(YamlNode node, string problem)
        {
            Problem ??= $"line {node.Start.Line}: {problem}";
            return null;
        }
    }
}
