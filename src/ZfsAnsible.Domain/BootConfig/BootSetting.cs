using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace ZfsAnsible.Domain.BootConfig;

/// <summary>The three kinds of line a setting can be.</summary>
public enum BootSettingKind
{
    /// <summary><c>dtparam=name[=value]</c>: a device-tree parameter; one line may hold several, comma-separated.</summary>
    DtParam,

    /// <summary><c>dtoverlay=name[,param[=value]...]</c>: an overlay with its parameters.</summary>
    DtOverlay,

    /// <summary><c>key=value</c>: any other firmware setting (<c>arm_boost=1</c>, <c>usb_max_current_enable=1</c>).</summary>
    Key,
}

/// <summary>An overlay parameter: <c>name=value</c>, or a bare <c>name</c> (Value null) that switches it on.</summary>
public sealed record OverlayParam(string Name, string? Value)
{
    public override string ToString() => Value is null ? Name : $"{Name}={Value}";
}

/// <summary>
/// One declared setting: present (with this value) or absent, in a section. A null <see cref="Value"/> of a
/// dtparam is the bare form (<c>dtparam=pciex1</c>), which the firmware reads as "on".
/// </summary>
public sealed record BootSetting(BootSettingKind Kind, string Name, string? Value, ImmutableArray<OverlayParam> Params, bool Present)
{
    public static BootSetting DtParam(string name, string? value = null, bool present = true) => new(BootSettingKind.DtParam, name, value, [], present);

    public static BootSetting DtOverlay(string name, IEnumerable<OverlayParam>? parameters = null, bool present = true) => new(BootSettingKind.DtOverlay, name, null, [.. parameters ?? []], present);

    /// <summary>A plain key; an absent one needs no value.</summary>
    public static BootSetting Key(string name, string? value, bool present = true) => new(BootSettingKind.Key, name, value, [], present);

    /// <summary>The key of the line that holds it.</summary>
    public string LineKey => Kind switch
    {
        BootSettingKind.DtParam => "dtparam",
        BootSettingKind.DtOverlay => "dtoverlay",
        _ => Name,
    };

    /// <summary>What follows "key=" on a line that holds only this setting.</summary>
    public string LineValue => Kind switch
    {
        BootSettingKind.DtParam => Value is null ? Name : $"{Name}={Value}",
        BootSettingKind.DtOverlay => string.Join(',', [Name, .. Params.Select(p => p.ToString())]),
        _ => Value ?? string.Empty,
    };

    /// <summary>"dtparam=pciex1_gen=3", as the line would read.</summary>
    public override string ToString() => Present ? $"{LineKey}={LineValue}" : Kind == BootSettingKind.Key ? Name : $"{LineKey}={Name}";
}

/// <summary>
/// What the firmware's simple parser accepts, so a written line means what it says: keys and names from a
/// small alphabet, values without the characters that end or split a line, and lines within the firmware's limit.
/// </summary>
public static partial class BootConfigNames
{
    /// <summary>The firmware ignores whatever follows the 98th character of a line.</summary>
    public const int MaxLineLength = 98;

    /// <summary>A config.txt key: letters, digits, '_', with an optional ":N" display index (<c>hdmi_mode:1</c>).</summary>
    public static bool IsKey(string text) => KeyPattern().IsMatch(text);

    public static IEnumerable<string> Problems(BootSetting setting, string where)
    {
        var nameOk = setting.Kind == BootSettingKind.Key ? IsKey(setting.Name) : NamePattern().IsMatch(setting.Name);
        if (!nameOk)
        {
            yield return $"{where}: {KindWord(setting.Kind)} name '{Printable(setting.Name)}' is not valid: use letters, digits, '_'{(setting.Kind == BootSettingKind.Key ? " and an optional ':N'" : ", '-' and '.'")}";
        }
        else if (setting.Kind == BootSettingKind.Key && setting.Name is "dtparam" or "dtoverlay" or "include" or "initramfs")
        {
            yield return $"{where}: '{setting.Name}' cannot be set as a plain key: use the {(setting.Name is "dtparam" or "dtoverlay" ? setting.Name + " option" : "file itself")}";
        }

        if (setting.Value is { } value && ValueProblem(value, separator: setting.Kind != BootSettingKind.Key) is { } problem)
        {
            yield return $"{where}: the value of {setting.Name} {problem}";
        }

        foreach (var parameter in setting.Params)
        {
            if (!NamePattern().IsMatch(parameter.Name))
            {
                yield return $"{where}: overlay parameter name '{Printable(parameter.Name)}' is not valid: use letters, digits, '_', '-' and '.'";
            }
            else if (parameter.Value is { } parameterValue && ValueProblem(parameterValue, separator: true) is { } parameterProblem)
            {
                yield return $"{where}: the value of overlay parameter {parameter.Name} {parameterProblem}";
            }
        }

        if (setting.Present && setting.ToString().Length > MaxLineLength)
        {
            yield return $"{where}: the line '{Printable(setting.ToString())}' would be {setting.ToString().Length} characters; the firmware reads only {MaxLineLength}";
        }
    }

    /// <summary>A section filter (<c>all</c>, <c>pi5</c>, <c>board-type=0x17</c>, <c>gpio4=1</c>), given with or without brackets.</summary>
    public static Result<string> Filter(string text)
    {
        var inner = text.Length >= 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
        return FilterPattern().IsMatch(inner)
            ? inner
            : Result<string>.Fail($"section '{Printable(text)}' is not a valid conditional filter: write it like all, pi5, cm4 or gpio4=1 (without '[', ']', '#' or blanks)");
    }

    private static string? ValueProblem(string value, bool separator)
    {
        if (value.Length == 0)
        {
            return "is empty";
        }

        if (value.Any(c => c > '~' || (char.IsControl(c) && c != '\t')))
        {
            return "must be printable ASCII on one line";
        }

        if (value.IndexOfAny(['#', '[', ']', '=']) is var bad and >= 0)
        {
            return $"may not hold '{value[bad]}'";
        }

        if (separator && value.Contains(',', StringComparison.Ordinal))
        {
            return "may not hold ',' (it separates parameters)";
        }

        return value.Trim() != value ? "may not begin or end with a blank" : null;
    }

    private static string KindWord(BootSettingKind kind) => kind switch
    {
        BootSettingKind.DtParam => "dtparam",
        BootSettingKind.DtOverlay => "dtoverlay",
        _ => "key",
    };

    private static string Printable(string text)
    {
        var flat = new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
        return flat.Length > 60 ? flat[..60] + "..." : flat;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_]+(:[0-9]+)?$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.:=-]*$")]
    private static partial Regex FilterPattern();
}
