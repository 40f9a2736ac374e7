using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace ZfsAnsible.ModuleProtocol.Arguments;

/// <summary>
/// A spec in ansible-core's own terms: the argument_spec dict and the relation keywords AnsibleModule takes
/// (mutually_exclusive, required_one_of, ...). The docs stubs, roles and linters are checked against this form, so
/// the C# spec stays the one declaration of every module's options.
/// </summary>
public static class ArgumentSpecJson
{
    /// <summary>{"argument_spec": {...}, "mutually_exclusive": [...], ...}; empty relations are left out, as in a module's source.</summary>
    public static JsonObject Describe(ArgumentSpec spec)
    {
        var described = new JsonObject { ["argument_spec"] = Options(spec) };
        AddRelations(described, spec);
        return described;
    }

    /// <summary>
    /// What several definitions of one module name (zfs_timer, once per program it installs) all declare: an option
    /// whose sub-options differ keeps only the keys they share, as its one documentation can; an option some lack is left out.
    /// </summary>
    public static JsonObject Common(IReadOnlyList<ArgumentSpec> specs)
    {
        var described = specs.Select(Describe).ToList();
        var common = described[0];
        var options = (JsonObject)common["argument_spec"]!;
        var names = described.SelectMany(d => d["argument_spec"]!.AsObject().Select(o => o.Key)).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            var variants = described.Select(d => d["argument_spec"]![name]).ToList();
            if (variants.Any(v => v is null))
            {
                options.Remove(name); // not every definition takes it: no one documentation can
            }
            else if (variants.Any(v => !JsonNode.DeepEquals(v, variants[0])))
            {
                options[name] = Shared(variants);
            }
        }

        return common;
    }

    private static JsonObject Options(ArgumentSpec spec)
    {
        var options = new JsonObject();
        foreach (var (name, option) in spec.Options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            options[name] = Option(option);
        }

        return options;
    }

    private static JsonObject Option(OptionSpec option)
    {
        var entry = new JsonObject { ["type"] = Word(option.Type) };
        if (option.Required)
        {
            entry["required"] = true;
        }

        if (option.Default is { } value)
        {
            entry["default"] = value.DeepClone();
        }

        if (!option.Choices.IsEmpty)
        {
            entry["choices"] = Strings(option.Choices);
        }

        if (option.Elements is { } elements)
        {
            entry["elements"] = Word(elements);
        }

        if (option.NoLog)
        {
            entry["no_log"] = true;
        }

        if (!option.Aliases.IsEmpty)
        {
            entry["aliases"] = Strings(option.Aliases);
        }

        if (option.Options is { } suboptions)
        {
            entry["options"] = Options(suboptions);
            AddRelations(entry, suboptions);
        }

        return entry;
    }

    private static void AddRelations(JsonObject target, ArgumentSpec spec)
    {
        AddGroups(target, "mutually_exclusive", spec.MutuallyExclusive);
        AddGroups(target, "required_together", spec.RequiredTogether);
        AddGroups(target, "required_one_of", spec.RequiredOneOf);
        if (!spec.RequiredIf.IsEmpty)
        {
            target["required_if"] = new JsonArray([.. spec.RequiredIf.Select(r => (JsonNode)new JsonArray(r.Option, r.Value, Strings(r.Requirements), r.AnyOf))]);
        }

        if (!spec.RequiredBy.IsEmpty)
        {
            var requiredBy = new JsonObject();
            foreach (var (option, requirements) in spec.RequiredBy.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                requiredBy[option] = Strings(requirements);
            }

            target["required_by"] = requiredBy;
        }
    }

    private static void AddGroups(JsonObject target, string keyword, ImmutableArray<ImmutableArray<string>> groups)
    {
        if (!groups.IsEmpty)
        {
            target[keyword] = new JsonArray([.. groups.Select(g => (JsonNode)Strings(g))]);
        }
    }

    private static JsonObject Shared(List<JsonNode?> variants)
    {
        var shared = new JsonObject();
        foreach (var (key, value) in (JsonObject)variants[0]!)
        {
            if (variants.All(v => JsonNode.DeepEquals(v![key], value)))
            {
                shared[key] = value?.DeepClone();
            }
        }

        return shared;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static string Word(ArgumentType type) => type.ToString().ToLowerInvariant();
}
