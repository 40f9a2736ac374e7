using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace ZfsAnsible.ModuleProtocol.Arguments;

/// <summary>Validated, coerced parameters with defaults applied; typed reads for module code.</summary>
public sealed class ModuleParameters(JsonObject values, ArgumentSpec spec)
{
    public ArgumentSpec Spec => spec;

    public string? String(string name) => values[name]?.GetValue<string>();

    public string RequiredString(string name) => String(name) ?? throw new InvalidOperationException($"{name} is required by the spec");

    public bool Bool(string name) => values[name]?.GetValue<bool>() ?? false;

    public long? Int(string name) => values[name]?.GetValue<long>();

    /// <summary>Whether the option was given (an option without a default is null when absent).</summary>
    public bool IsSet(string name) => values[name] is not null;

    public ImmutableArray<string> StringList(string name) =>
        values[name] is JsonArray list ? [.. list.Select(item => item?.GetValue<string>() ?? string.Empty)] : [];

    /// <summary>A dict option as written; values keep their JSON type for the module to interpret.</summary>
    public ImmutableSortedDictionary<string, JsonNode?> Dict(string name) =>
        values[name] is JsonObject dict
            ? dict.ToImmutableSortedDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal)
            : ImmutableSortedDictionary<string, JsonNode?>.Empty;

    /// <summary>A list of dicts with sub-options, each as its own parameters.</summary>
    public ImmutableArray<ModuleParameters> List(string name)
    {
        if (values[name] is not JsonArray list || spec.Options[name].Options is not { } itemSpec)
        {
            return [];
        }

        return [.. list.OfType<JsonObject>().Select(item => new ModuleParameters(item, itemSpec))];
    }

    /// <summary>All options at once as the module's typed arguments record (source-generated, so trimming keeps it).</summary>
    public T Bind<T>(JsonTypeInfo<T> typeInfo) =>
        values.Deserialize(typeInfo) ?? throw new InvalidOperationException($"validated parameters did not bind to {typeof(T).Name}");

    /// <summary>What Ansible shows as invocation.module_args: every option, no_log ones masked.</summary>
    public JsonObject ToInvocation() => Mask(values, spec);

    /// <summary>String values of no_log options, to scrub from anything the module prints.</summary>
    public IEnumerable<string> SecretValues() => Secrets(values, spec);

    private static JsonObject Mask(JsonObject values, ArgumentSpec spec)
    {
        var masked = new JsonObject();
        foreach (var (key, value) in values)
        {
            var option = spec.Options.GetValueOrDefault(key);
            masked[key] = option switch
            {
                { NoLog: true } when value is not null => "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
                { Options: { } sub } when value is JsonObject obj => Mask(obj, sub),
                { Options: { } sub } when value is JsonArray arr => new JsonArray([.. arr.Select(item => item is JsonObject o ? Mask(o, sub) : item?.DeepClone())]),
                _ => value?.DeepClone(),
            };
        }

        return masked;
    }

    private static IEnumerable<string> Secrets(JsonObject values, ArgumentSpec spec)
    {
        foreach (var (key, value) in values)
        {
            var option = spec.Options.GetValueOrDefault(key);
            if (option is { NoLog: true } && value is JsonValue secret && secret.ToString() is { Length: > 0 } text)
            {
                yield return text;
            }
            else if (option?.Options is { } sub)
            {
                var nested = value switch
                {
                    JsonObject obj => Secrets(obj, sub),
                    JsonArray arr => arr.OfType<JsonObject>().SelectMany(o => Secrets(o, sub)),
                    _ => [],
                };
                foreach (var nestedSecret in nested)
                {
                    yield return nestedSecret;
                }
            }
        }
    }
}
