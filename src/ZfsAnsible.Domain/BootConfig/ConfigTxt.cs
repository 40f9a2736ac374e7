using System.Collections.Immutable;
using System.Text;

namespace ZfsAnsible.Domain.BootConfig;

/// <summary>What a line of config.txt is to the firmware.</summary>
public enum ConfigLineKind
{
    Blank,
    Comment,

    /// <summary>A conditional filter such as <c>[all]</c> or <c>[pi5]</c>: it starts a block.</summary>
    Section,

    /// <summary><c>key=value</c>: a setting the firmware reads.</summary>
    Entry,

    /// <summary>Anything else (<c>initramfs initrd.img followkernel</c>, <c>include extra.txt</c>): kept, never edited.</summary>
    Other,
}

/// <summary>
/// One line exactly as the file holds it: <see cref="Text"/> without its line ending, <see cref="Ending"/>
/// ("\n", "\r\n" or "" for a last line without one). Everything else is read from the text.
/// </summary>
public sealed record ConfigLine(string Text, string Ending)
{
    public ConfigLineKind Kind => Classify(Text);

    /// <summary>The filter inside the brackets of a section line (<c>pi5</c>), else null.</summary>
    public string? Filter => Kind == ConfigLineKind.Section ? Text.Trim()[1..Text.Trim().IndexOf(']', StringComparison.Ordinal)].Trim() : null;

    /// <summary>An entry's key (<c>dtparam</c>, <c>arm_boost</c>, <c>hdmi_mode:1</c>), else null.</summary>
    public string? Key => Kind == ConfigLineKind.Entry ? Text.TrimStart()[..Text.TrimStart().IndexOf('=', StringComparison.Ordinal)] : null;

    /// <summary>An entry's value without a trailing comment or trailing blanks, else null.</summary>
    public string? Value => Kind == ConfigLineKind.Entry ? SplitComment(AfterEquals).Value : null;

    /// <summary>A trailing comment after an entry's value, with the blanks before it (" # gen 3"), else "".</summary>
    public string Comment => Kind == ConfigLineKind.Entry ? SplitComment(AfterEquals).Comment : string.Empty;

    /// <summary>The line as the firmware reads it: what counts when deciding whether a reboot is needed.</summary>
    public string Effective => Kind switch
    {
        ConfigLineKind.Entry => $"{Key}={Value}",
        ConfigLineKind.Section => $"[{Filter}]",
        ConfigLineKind.Other => Text.Trim(),
        _ => string.Empty,
    };

    /// <summary>The same line with another value for its key, its trailing comment and ending kept.</summary>
    public ConfigLine WithValue(string value) => new($"{Key}={value}{Comment}", Ending);

    private string AfterEquals => Text.TrimStart()[(Text.TrimStart().IndexOf('=', StringComparison.Ordinal) + 1)..];

    private static ConfigLineKind Classify(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return ConfigLineKind.Blank;
        }

        if (trimmed[0] == '#')
        {
            return ConfigLineKind.Comment;
        }

        if (trimmed[0] == '[')
        {
            return trimmed.IndexOf(']', StringComparison.Ordinal) > 0 ? ConfigLineKind.Section : ConfigLineKind.Other;
        }

        var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && BootConfigNames.IsKey(trimmed[..equals]) ? ConfigLineKind.Entry : ConfigLineKind.Other;
    }

    /// <summary>A '#' after a blank starts a comment; a '#' inside a word stays part of the value.</summary>
    private static (string Value, string Comment) SplitComment(string rest)
    {
        for (var i = 1; i < rest.Length; i++)
        {
            if (rest[i] == '#' && char.IsWhiteSpace(rest[i - 1]))
            {
                var start = i;
                while (start > 0 && char.IsWhiteSpace(rest[start - 1]))
                {
                    start--;
                }

                return (rest[..start], rest[start..]);
            }
        }

        return (rest.TrimEnd(), rest[rest.TrimEnd().Length..]);
    }
}

/// <summary>
/// A config.txt as a list of lines that renders back to the very same bytes: an edit replaces, inserts or removes
/// whole lines and leaves every other line, comment, blank line and line ending as it was.
/// </summary>
public sealed record ConfigTxt(ImmutableArray<ConfigLine> Lines)
{
    /// <summary>The filter the firmware starts with, before any section line.</summary>
    public const string All = "all";

    public static ConfigTxt Parse(string text)
    {
        var lines = ImmutableArray.CreateBuilder<ConfigLine>();
        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            if (newline < 0)
            {
                lines.Add(new ConfigLine(text[start..], string.Empty));
                break;
            }

            var crlf = newline > start && text[newline - 1] == '\r';
            lines.Add(new ConfigLine(text[start..(crlf ? newline - 1 : newline)], crlf ? "\r\n" : "\n"));
            start = newline + 1;
        }

        return new ConfigTxt(lines.ToImmutable());
    }

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var line in Lines)
        {
            text.Append(line.Text).Append(line.Ending);
        }

        return text.ToString();
    }

    /// <summary>The ending most lines have ("\r\n" for a file written on Windows), for lines this tool adds.</summary>
    public string NewlineStyle => Lines.Count(l => l.Ending == "\r\n") > Lines.Count(l => l.Ending == "\n") ? "\r\n" : "\n";

    /// <summary>The filter in force at each line: "all" before the first section line, then the last section line's.</summary>
    public ImmutableArray<string> FilterAt()
    {
        var filters = ImmutableArray.CreateBuilder<string>(Lines.Length);
        var filter = All;
        foreach (var line in Lines)
        {
            filter = line.Filter ?? filter;
            filters.Add(filter);
        }

        return filters.MoveToImmutable();
    }

    /// <summary>The lines the firmware acts on, in order: equal for two files exactly when they configure the same.</summary>
    public ImmutableArray<string> Effective() => [.. Lines.Where(l => l.Kind is not (ConfigLineKind.Blank or ConfigLineKind.Comment)).Select(l => l.Effective)];

    /// <summary>Bookworm's /boot/config.txt is a note pointing at the real file: the path it names, else null.</summary>
    public string? PointerTarget()
    {
        const string Marker = "has moved to ";
        var note = Lines.FirstOrDefault(l => l.Text.Contains(Marker, StringComparison.Ordinal));
        if (note is null || Lines.Any(l => l.Kind is ConfigLineKind.Entry or ConfigLineKind.Section))
        {
            return null;
        }

        var target = note.Text[(note.Text.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Trim().TrimEnd('.');
        return target.StartsWith('/') ? target : null;
    }
}
