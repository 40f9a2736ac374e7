using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZfsAnsible.ModuleProtocol.Arguments;

/// <summary>
/// Ansible's check_type_* functions: what a value of each type may arrive as, and what it becomes.
/// "-a k=v" delivers strings, a playbook delivers typed values; both must end up the same.
/// </summary>
public static class TypeCoercion
{
    private static readonly string[] TrueWords = ["y", "yes", "on", "1", "true", "t"];
    private static readonly string[] FalseWords = ["n", "no", "off", "0", "false", "f"];

    /// <summary>Coerced value, or the reason it cannot be (worded to follow "argument 'x' ...").</summary>
    public static (JsonNode? Value, string? Error) Coerce(JsonNode? value, ArgumentType type) => type switch
    {
        ArgumentType.Str or ArgumentType.Path => ToStr(value),
        ArgumentType.Bool => ToBool(value),
        ArgumentType.Int => ToInt(value),
        ArgumentType.Float => ToFloat(value),
        ArgumentType.List => ToList(value),
        ArgumentType.Dict => ToDict(value),
        ArgumentType.Raw => (value?.DeepClone(), null),
        _ => (null, $"has unknown type {type}"),
    };

    public static string KindOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "dict",
        JsonArray => "list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "str",
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Number => IsWhole(v) ? "int" : "float",
            _ => "null",
        },
        _ => "unknown",
    };

    private static bool IsWhole(JsonValue value) => value.TryGetValue<long>(out _) || value.ToJsonString().All(c => char.IsAsciiDigit(c) || c == '-');

    private static (JsonNode?, string?) ToStr(JsonNode? value) => KindOf(value) switch
    {
        "str" => (JsonValue.Create(value!.GetValue<string>()), null),
        "int" or "float" => (JsonValue.Create(value!.ToJsonString()), null),
        "bool" => (JsonValue.Create(value!.GetValue<bool>() ? "True" : "False"), null),
        var kind => (null, $"is of type {kind} and we were unable to convert to str"),
    };

    private static (JsonNode?, string?) ToBool(JsonNode? value)
    {
        var kind = KindOf(value);
        if (kind == "bool")
        {
            return (JsonValue.Create(value!.GetValue<bool>()), null);
        }

        var text = kind switch
        {
            "str" => value!.GetValue<string>().Trim().ToLowerInvariant(),
            "int" or "float" => value!.ToJsonString(),
            _ => null,
        };
        if (text is not null && kind != "str" && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            text = number switch { 1 => "1", 0 => "0", _ => text };
        }

        if (text is not null && TrueWords.Contains(text))
        {
            return (JsonValue.Create(true), null);
        }

        if (text is not null && FalseWords.Contains(text))
        {
            return (JsonValue.Create(false), null);
        }

        return (null, $"is of type {kind} and we were unable to convert to bool: the value {Show(value)} is not a valid boolean. Valid booleans include: 'yes', 'on', '1', 'true', 'no', 'off', '0', 'false'");
    }

    private static (JsonNode?, string?) ToInt(JsonNode? value)
    {
        var kind = KindOf(value);
        var text = kind switch
        {
            "int" or "float" => value!.ToJsonString(),
            "str" => value!.GetValue<string>().Trim(),
            _ => null,
        };
        // Like ansible-core: whole numbers and their strings only; 3.0 and "3.0" are refused.
        if (text is not null && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return (JsonValue.Create(whole), null);
        }

        return (null, $"is of type {kind} and we were unable to convert to int: {Show(value)} cannot be converted to an int");
    }

    private static (JsonNode?, string?) ToFloat(JsonNode? value)
    {
        var kind = KindOf(value);
        var text = kind switch
        {
            "int" or "float" => value!.ToJsonString(),
            "str" => value!.GetValue<string>().Trim(),
            _ => null,
        };
        return text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? (JsonValue.Create(number), null)
            : (null, $"is of type {kind} and we were unable to convert to float: {Show(value)} cannot be converted to a float");
    }

    private static (JsonNode?, string?) ToList(JsonNode? value) => KindOf(value) switch
    {
        "list" => (value!.DeepClone(), null),
        "str" => (new JsonArray([.. value!.GetValue<string>().Split(',').Select(s => (JsonNode?)JsonValue.Create(s))]), null),
        "int" or "float" or "bool" => (new JsonArray(ToStr(value).Item1), null),
        var kind => (null, $"is of type {kind} and we were unable to convert to list"),
    };

    private static (JsonNode?, string?) ToDict(JsonNode? value)
    {
        var kind = KindOf(value);
        if (kind == "dict")
        {
            return (value!.DeepClone(), null);
        }

        if (kind != "str")
        {
            return (null, $"is of type {kind} and we were unable to convert to dict");
        }

        var text = value!.GetValue<string>().Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(text) is JsonObject parsed
                    ? (parsed, null)
                    : (null, "is of type str and we were unable to convert to dict: not a JSON object");
            }
            catch (JsonException)
            {
                return (null, "is of type str and we were unable to convert to dict: not valid JSON");
            }
        }

        // "k1=v1, k2=v2" as -a delivers it.
        var result = new JsonObject();
        foreach (var pair in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                return (null, $"is of type str and we were unable to convert to dict: '{pair}' is not key=value");
            }

            result[parts[0]] = parts[1];
        }

        return (result, null);
    }

    private static string Show(JsonNode? value)
    {
        var text = value?.ToJsonString() ?? "null";
        return text.Length > 60 ? text[..60] + "..." : text;
    }
}
