using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace ZfsAnsible.ModuleProtocol.Arguments;

/// <summary>Validated parameters, or every reason the input was refused.</summary>
public sealed record ValidationResult(ModuleParameters? Parameters, ImmutableArray<string> Errors)
{
    public bool IsValid => Errors.IsEmpty;

    /// <summary>All errors as one line, the way the task's msg shows them.</summary>
    public string Message => string.Join("; ", Errors);
}

/// <summary>
/// Ansible's ArgumentSpecValidator, in the same order: aliases, unsupported keys, mutually exclusive,
/// required, type coercion, choices, defaults, required together / one of / if / by, then sub-options.
/// Messages follow Ansible's wording so users recognise them.
/// </summary>
public static class ArgumentSpecValidator
{
    public static ValidationResult Validate(JsonObject input, ArgumentSpec spec, string moduleName)
    {
        var errors = ImmutableArray.CreateBuilder<string>();
        var unsupported = new List<(string Name, string Supported)>();
        var validated = ValidateObject(input, spec, errors, unsupported, context: null);
        if (unsupported.Count > 0)
        {
            // One message for the whole tree, nested keys dotted ("vdevs.colour"), as ansible-core words it.
            var names = unsupported.Select(u => u.Name).Order(StringComparer.Ordinal).ToList();
            var supported = unsupported.First(u => u.Name == names[0]).Supported;
            errors.Insert(0, $"Unsupported parameters for ({moduleName}) module: {string.Join(", ", names)}. Supported parameters include: {supported}.");
        }

        return errors.Count == 0
            ? new ValidationResult(new ModuleParameters(validated, spec), [])
            : new ValidationResult(null, errors.ToImmutable());
    }

    private static JsonObject ValidateObject(JsonObject input, ArgumentSpec spec, ImmutableArray<string>.Builder errors, List<(string Name, string Supported)> unsupportedKeys, string? context)
    {
        var where = context is null ? string.Empty : $" found in {context}";
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);

        var aliases = spec.Options.SelectMany(o => o.Value.Aliases.Select(a => (Alias: a, Name: o.Key))).ToDictionary(p => p.Alias, p => p.Name, StringComparer.Ordinal);
        var unsupported = new List<string>();
        foreach (var (key, value) in input)
        {
            if (key.StartsWith("_ansible_", StringComparison.Ordinal) && context is null)
            {
                continue;
            }

            var name = spec.Options.ContainsKey(key) ? key : aliases.GetValueOrDefault(key);
            if (name is null)
            {
                unsupported.Add(key);
                continue;
            }

            values[name] = value;
        }

        if (unsupported.Count > 0)
        {
            var supported = string.Join(", ", spec.Options.Keys.Order(StringComparer.Ordinal));
            if (aliases.Count > 0)
            {
                supported += $" ({string.Join(", ", aliases.Keys.Order(StringComparer.Ordinal))})";
            }

            var prefix = context is null ? string.Empty : OptionPath(context) + ".";
            unsupportedKeys.AddRange(unsupported.Select(key => (prefix + Printable(key), supported)));
        }

        bool IsSet(string name) => values.TryGetValue(name, out var v) && v is not null;

        foreach (var group in spec.MutuallyExclusive)
        {
            if (group.Count(IsSet) > 1)
            {
                errors.Add($"parameters are mutually exclusive: {string.Join("|", group)}{where}");
            }
        }

        var missing = spec.Options.Where(o => o.Value.Required && !IsSet(o.Key)).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            errors.Add($"missing required arguments: {string.Join(", ", missing)}{where}");
        }

        var result = new JsonObject();
        foreach (var (name, option) in spec.Options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            var raw = values.GetValueOrDefault(name);
            if (raw is null)
            {
                result[name] = option.Default?.DeepClone();
                continue;
            }

            var (coerced, error) = TypeCoercion.Coerce(raw, option.Type);
            if (error is not null)
            {
                errors.Add($"argument '{name}' {error}{where}");
                continue;
            }

            // A list's choices hold for each element, checked with the elements below.
            if (!option.Choices.IsEmpty && option.Type != ArgumentType.List && !ChoiceHolds(coerced, option.Choices))
            {
                errors.Add($"value of {name} must be one of: {string.Join(", ", option.Choices)}, got: {Printable(raw.ToString())}{where}");
                continue;
            }

            result[name] = ValidateNested(name, option, coerced, errors, unsupportedKeys, context);
        }

        errors.AddRange(RelationErrors(spec, result, name => result[name] is not null || IsSet(name)).Select(error => error + where));
        return result;
    }

    /// <summary>
    /// ansible-core's additional checks, in its order and words, on the values after defaults (as ansible-core sees
    /// them: a defaulted state: present counts as given; so does a value refused for its type, which has its own error).
    /// </summary>
    private static IEnumerable<string> RelationErrors(ArgumentSpec spec, JsonObject values, Func<string, bool> isGiven)
    {
        foreach (var group in spec.RequiredTogether.Where(g => g.Any(isGiven) && !g.All(isGiven)))
        {
            yield return $"parameters are required together: {string.Join(", ", group)}";
        }

        foreach (var group in spec.RequiredOneOf.Where(g => !g.Any(isGiven)))
        {
            yield return $"one of the following is required: {string.Join(", ", group)}";
        }

        foreach (var rule in spec.RequiredIf.Where(r => values[r.Option] is JsonValue v && v.ToString() == r.Value))
        {
            var missing = rule.Requirements.Where(name => !isGiven(name)).ToList();
            if (missing.Count > 0 && (!rule.AnyOf || missing.Count == rule.Requirements.Length))
            {
                yield return $"{rule.Option} is {rule.Value} but {(rule.AnyOf ? "any" : "all")} of the following are missing: {string.Join(", ", missing)}";
            }
        }

        foreach (var (option, requirements) in spec.RequiredBy.Where(r => isGiven(r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var missing = requirements.Where(name => !isGiven(name)).ToList();
            if (missing.Count > 0)
            {
                yield return $"missing parameter(s) required by '{option}': {string.Join(", ", missing)}";
            }
        }
    }

    private static JsonNode? ValidateNested(string name, OptionSpec option, JsonNode? value, ImmutableArray<string>.Builder errors, List<(string Name, string Supported)> unsupportedKeys, string? context)
    {
        var path = context is null ? name : $"{context}.{name}";
        if (option.Type == ArgumentType.Dict && option.Options is { } dictSpec && value is JsonObject dict)
        {
            return ValidateObject(dict, dictSpec, errors, unsupportedKeys, path);
        }

        if (option.Type != ArgumentType.List || value is not JsonArray list || option.Elements is not { } elementType)
        {
            return value;
        }

        var elements = new JsonArray();
        for (var i = 0; i < list.Count; i++)
        {
            var (element, error) = TypeCoercion.Coerce(list[i], elementType);
            if (error is not null)
            {
                errors.Add($"Elements value for option '{name}' {error}{(context is null ? string.Empty : $" found in {context}")}");
                continue;
            }

            if (!option.Choices.IsEmpty && !ChoiceHolds(element, option.Choices))
            {
                errors.Add($"value of {name} must be one or more of: {string.Join(", ", option.Choices)}, got: {Printable(list[i]?.ToString() ?? "null")}");
                continue;
            }

            elements.Add(option.Options is { } elementSpec && element is JsonObject item
                ? ValidateObject(item, elementSpec, errors, unsupportedKeys, $"{path}[{i}]")
                : element);
        }

        return elements;
    }

    /// <summary>"vdevs[1].x" names the option path "vdevs.x", the way ansible-core names nested keys.</summary>
    private static string OptionPath(string context) => System.Text.RegularExpressions.Regex.Replace(context, @"\[\d+\]", string.Empty);

    private static bool ChoiceHolds(JsonNode? value, ImmutableArray<string> choices) =>
        value is JsonValue v && choices.Contains(v.ToString(), StringComparer.Ordinal);

    /// <summary>Keys and values echoed in errors stay one short printable line.</summary>
    private static string Printable(string text)
    {
        var flat = new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
        return flat.Length > 80 ? flat[..80] + "..." : flat;
    }
}
