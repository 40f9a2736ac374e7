using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace ZfsAnsible.ModuleProtocol.Arguments;

/// <summary>Validated, coerced parameters with defaults applied; a module binds them once to its typed arguments.</summary>
public sealed class ModuleParameters(JsonObject values, ArgumentSpec spec)
{
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
