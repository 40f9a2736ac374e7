using System.Collections.Immutable;

namespace ZfsAnsible.Domain.BootConfig;

/// <summary>Where a declared setting stands after the edit: its line (1-based), or null when it is absent.</summary>
public sealed record SettingState(BootSetting Setting, string Section, int? Line);

/// <summary>
/// The planned file and what it took. <see cref="RebootRequired"/> is true exactly when the lines the firmware acts on
/// differ: a change to comments or blank lines alone would not need one (and this editor makes none).
/// </summary>
public sealed record BootConfigEdit(
    ConfigTxt Before,
    ConfigTxt After,
    ImmutableArray<string> Changes,
    ImmutableArray<string> Warnings,
    ImmutableArray<SettingState> Settings)
{
    public bool Changed => !Changes.IsEmpty;

    public bool RebootRequired => !Before.Effective().SequenceEqual(After.Effective(), StringComparer.Ordinal);
}

/// <summary>
/// Puts declared settings into one conditional section of a config.txt, the way a careful person edits it: a setting
/// already right is left alone; a wrong value is changed on the line that wins (the last one in the section); a
/// missing setting is added after the last setting of the section's last block (a missing section is created at the
/// end); an absent setting is removed from every line of the section, so no earlier duplicate takes its place.
/// Every other line stays byte for byte.
/// </summary>
public static class BootConfigEditor
{
    private static readonly string[] On = ["on", "true", "yes", "okay"];
    private static readonly string[] Off = ["off", "false", "no", "disabled"];

    public static Result<BootConfigEdit> Plan(ConfigTxt before, string filter, IReadOnlyList<BootSetting> settings)
    {
        var lines = before.Lines.ToList();
        var changes = ImmutableArray.CreateBuilder<string>();
        var style = before.NewlineStyle;
        foreach (var setting in settings)
        {
            var change = setting.Present ? Put(lines, filter, setting, style) : Remove(lines, filter, setting);
            if (change is not null)
            {
                changes.Add(change);
            }
        }

        var after = new ConfigTxt([.. lines]);
        if (after.Lines.FirstOrDefault(l => l.Text.Length > BootConfigNames.MaxLineLength && !before.Lines.Contains(l)) is { } tooLong)
        {
            return Result<BootConfigEdit>.Fail($"the line '{tooLong.Text}' would be {tooLong.Text.Length} characters; the firmware reads only {BootConfigNames.MaxLineLength}");
        }

        var states = settings.Select(s => new SettingState(s, filter, s.Present ? LineOf(after, filter, s) : null)).ToImmutableArray();
        return new BootConfigEdit(before, after, changes.ToImmutable(), [.. Warnings(after, filter, states)], states);
    }

    /// <summary>The line (1-based) that holds a present setting: the overlay line that matches, else the last occurrence.</summary>
    private static int? LineOf(ConfigTxt file, string filter, BootSetting setting)
    {
        var occurrences = Occurrences(file, filter, setting);
        if (occurrences.Count == 0)
        {
            return null;
        }

        var holding = setting.Kind == BootSettingKind.DtOverlay ? occurrences.FindLastIndex(o => Holds(file.Lines[o.Line], o.Item, setting)) : -1;
        return (holding >= 0 ? occurrences[holding] : occurrences[^1]).Line + 1;
    }

    /// <summary>A setting's occurrences in the section: the line, and for a dtparam the item within it.</summary>
    private readonly record struct Occurrence(int Line, int Item);

    private static List<Occurrence> Occurrences(ConfigTxt file, string filter, BootSetting setting, bool anySection = false)
    {
        var filters = file.FilterAt();
        var found = new List<Occurrence>();
        for (var i = 0; i < file.Lines.Length; i++)
        {
            var line = file.Lines[i];
            if (line.Kind != ConfigLineKind.Entry || line.Key != setting.LineKey || (!anySection && !SameFilter(filters[i], filter)))
            {
                continue;
            }

            var items = Items(line.Value!);
            for (var item = 0; item < items.Count; item++)
            {
                var matches = setting.Kind switch
                {
                    BootSettingKind.DtParam => items[item].Name == setting.Name,
                    BootSettingKind.DtOverlay => item == 0 && items[0].Name == setting.Name,
                    _ => item == 0,
                };
                if (matches)
                {
                    found.Add(new Occurrence(i, item));
                }
            }
        }

        return found;
    }

    private static string? Put(List<ConfigLine> lines, string filter, BootSetting setting, string style)
    {
        var file = new ConfigTxt([.. lines]);
        var occurrences = Occurrences(file, filter, setting);
        if (occurrences.Any(o => Holds(lines[o.Line], o.Item, setting) && (setting.Kind == BootSettingKind.DtOverlay || o == occurrences[^1])))
        {
            return null;
        }

        if (occurrences.Count > 0)
        {
            var last = occurrences[^1];
            var line = lines[last.Line];
            var items = Items(line.Value!);
            var was = setting.Kind == BootSettingKind.DtParam ? $"dtparam={items[last.Item]}" : $"{line.Key}={line.Value}";
            items[last.Item] = new OverlayParam(setting.Name, setting.Value);
            lines[last.Line] = line.WithValue(setting.Kind == BootSettingKind.DtParam ? string.Join(',', items) : setting.LineValue);
            return $"changed {was} to {setting} in [{filter}]";
        }

        Insert(lines, InsertionPoint(lines, filter, style), setting.ToString(), style);
        return $"added {setting} to [{filter}]";
    }

    private static string? Remove(List<ConfigLine> lines, string filter, BootSetting setting)
    {
        var occurrences = Occurrences(new ConfigTxt([.. lines]), filter, setting);
        if (occurrences.Count == 0)
        {
            return null;
        }

        var removed = new List<string>();
        foreach (var occurrence in Enumerable.Reverse(occurrences))
        {
            var line = lines[occurrence.Line];
            var items = Items(line.Value!);
            removed.Insert(0, setting.Kind == BootSettingKind.DtParam ? $"dtparam={items[occurrence.Item]}" : $"{line.Key}={line.Value}");
            items.RemoveAt(occurrence.Item);
            if (setting.Kind == BootSettingKind.DtParam && items.Count > 0)
            {
                lines[occurrence.Line] = line.WithValue(string.Join(',', items));
                continue;
            }

            // The last line of a file without a final newline: the line before it becomes the last, without one too.
            if (occurrence.Line == lines.Count - 1 && line.Ending.Length == 0 && occurrence.Line > 0)
            {
                lines[occurrence.Line - 1] = lines[occurrence.Line - 1] with { Ending = string.Empty };
            }

            lines.RemoveAt(occurrence.Line);
        }

        return $"removed {string.Join(", ", removed.Distinct(StringComparer.Ordinal))} from [{filter}]";
    }

    /// <summary>Whether the item already says what the setting asks (a bare dtparam and "=on" say the same).</summary>
    private static bool Holds(ConfigLine line, int item, BootSetting setting)
    {
        var items = Items(line.Value!);
        return setting.Kind switch
        {
            BootSettingKind.DtParam => SameValue(items[item].Value, setting.Value),
            BootSettingKind.DtOverlay => items.Skip(1).Select(p => p.ToString()).Order(StringComparer.Ordinal)
                .SequenceEqual(setting.Params.Select(p => p.ToString()).Order(StringComparer.Ordinal), StringComparer.Ordinal),
            _ => line.Value == setting.Value,
        };
    }

    private static bool SameValue(string? found, string? wanted) =>
        string.Equals(found, wanted, StringComparison.Ordinal)
        || (Truth(found) is { } a && Truth(wanted) is { } b && a == b);

    private static bool? Truth(string? value) =>
        value is null || On.Contains(value, StringComparer.OrdinalIgnoreCase) ? true
        : Off.Contains(value, StringComparer.OrdinalIgnoreCase) ? false
        : null;

    /// <summary>A line's comma-separated items: "i2c_arm=on,spi=on" is two.</summary>
    private static List<OverlayParam> Items(string value) =>
        [.. value.Split(',').Select(item => item.IndexOf('=', StringComparison.Ordinal) is var e and >= 0 ? new OverlayParam(item[..e], item[(e + 1)..]) : new OverlayParam(item, null))];

    /// <summary>
    /// After the last setting of the section's last block (after its last comment when it has no setting). The lines
    /// before the first section line are in [all] when they hold anything; a missing section is created at the end.
    /// </summary>
    private static int InsertionPoint(List<ConfigLine> lines, string filter, string style)
    {
        var firstSection = lines.FindIndex(l => l.Kind == ConfigLineKind.Section) is var f and >= 0 ? f : lines.Count;
        var header = lines.FindLastIndex(l => l.Filter is { } found && SameFilter(found, filter));
        var (start, end) = header >= 0
            ? (header, lines.FindIndex(header + 1, l => l.Kind == ConfigLineKind.Section) is var next and >= 0 ? next : lines.Count)
            : (0, firstSection);
        var exists = header >= 0 || (SameFilter(filter, ConfigTxt.All) && (firstSection == lines.Count || lines.Take(firstSection).Any(l => l.Kind != ConfigLineKind.Blank)));
        if (!exists)
        {
            if (lines.Count > 0 && lines[^1].Kind != ConfigLineKind.Blank)
            {
                Insert(lines, lines.Count, string.Empty, style);
            }

            Insert(lines, lines.Count, $"[{filter}]", style);
            return lines.Count;
        }

        var block = lines.Skip(start).Take(end - start).ToList();
        var lastSetting = block.FindLastIndex(l => l.Kind is ConfigLineKind.Entry or ConfigLineKind.Other);
        var lastText = block.FindLastIndex(l => l.Kind != ConfigLineKind.Blank);
        return start + (lastSetting >= 0 ? lastSetting : lastText) + 1;
    }

    /// <summary>A new line ends like the others; at the end of a file without a final newline, it becomes the line without one.</summary>
    private static void Insert(List<ConfigLine> lines, int index, string text, string style)
    {
        if (index == lines.Count && index > 0 && lines[^1].Ending.Length == 0)
        {
            lines[^1] = lines[^1] with { Ending = style };
            lines.Add(new ConfigLine(text, string.Empty));
            return;
        }

        lines.Insert(index, new ConfigLine(text, style));
    }

    private static bool SameFilter(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>What could still undo a setting: a later line of another section that sets it otherwise, and includes this tool does not read.</summary>
    private static IEnumerable<string> Warnings(ConfigTxt file, string filter, ImmutableArray<SettingState> states)
    {
        var filters = file.FilterAt();
        foreach (var state in states.Where(s => s.Setting.Kind != BootSettingKind.DtOverlay))
        {
            var elsewhere = Occurrences(file, filter, state.Setting, anySection: true)
                .Where(o => !SameFilter(filters[o.Line], filter) && !SameFilter(filters[o.Line], "none"));
            foreach (var other in elsewhere)
            {
                var line = $"line {other.Line + 1} ('{file.Lines[other.Line].Text.Trim()}')";
                if (state.Line is { } managed && other.Line >= managed && !Holds(file.Lines[other.Line], other.Item, state.Setting))
                {
                    yield return $"{line} comes after {state.Setting} in [{filter}] and wins over it on boards that match [{filters[other.Line]}]";
                }
                else if (!state.Setting.Present)
                {
                    yield return $"{line} still sets {state.Setting.Name} on boards that match [{filters[other.Line]}]";
                }
            }
        }

        foreach (var include in file.Lines.Where(l => l.Kind == ConfigLineKind.Other && l.Text.TrimStart().StartsWith("include ", StringComparison.Ordinal)))
        {
            yield return $"the file includes {include.Text.Trim()[8..].Trim()}; settings there are neither read nor changed";
        }
    }
}
