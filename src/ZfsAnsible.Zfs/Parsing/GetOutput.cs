using System.Collections.Immutable;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Zfs.Parsing;

/// <summary>
/// The one reader of "zfs get" and "zpool get" output, and of its SOURCE column: every other layer sees typed
/// <see cref="PropertySource"/>s, never the raw words.
/// </summary>
public static class GetOutput
{
    private const string InheritedFrom = "inherited from ";

    /// <summary>
    /// "zfs get -H -p -o name,property,value,source": each object's properties by name. Bookmarks are skipped; a
    /// property listed twice for one object keeps its first row.
    /// </summary>
    public static ImmutableDictionary<string, ImmutableDictionary<string, ObservedProperty>> ByObject(string output)
    {
        var objects = new Dictionary<string, ImmutableDictionary<string, ObservedProperty>>(StringComparer.Ordinal);
        foreach (var (name, properties) in Objects(output))
        {
            // zfs prints each object's rows together; should one come back later, its first rows stand.
            objects.TryAdd(name, properties);
        }

        return objects.ToImmutableDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// The same rows one object at a time, as zfs prints them (every row of an object together), so a caller that keeps
    /// little of each object (a snapshot's createtxg, creation and holds) never holds them all: a listing of 100,000
    /// snapshots is hundreds of megabytes of rows. Names, property names and sources repeat on every row and are
    /// shared, not copied. An object whose rows are not together comes once per run of rows.
    /// </summary>
    public static IEnumerable<(string Name, ImmutableDictionary<string, ObservedProperty> Properties)> Objects(string output)
    {
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        var wordOf = words.GetAlternateLookup<ReadOnlySpan<char>>();
        var sources = new Dictionary<string, PropertySource>(StringComparer.Ordinal);
        var sourceOf = sources.GetAlternateLookup<ReadOnlySpan<char>>();
        string? current = null;
        var properties = ImmutableDictionary.CreateBuilder<string, ObservedProperty>(StringComparer.Ordinal);
        var start = 0;
        while (start < output.Length)
        {
            var end = output.IndexOf('\n', start);
            end = end < 0 ? output.Length : end;
            var row = Row(output, start, end);
            start = end + 1;
            if (row is not { } fields || output.AsSpan(fields.Name).Contains('#'))
            {
                continue;
            }

            var (name, property, value, source) = fields;
            if (current is null || !output.AsSpan(name).SequenceEqual(current))
            {
                if (current is not null)
                {
                    yield return (current, properties.ToImmutable());
                    properties.Clear();
                }

                current = output[name];
            }

            var propertyName = Shared(wordOf, output.AsSpan(property));
            if (!properties.ContainsKey(propertyName))
            {
                var sourceSpan = output.AsSpan(source);
                if (!sourceOf.TryGetValue(sourceSpan, out var parsed))
                {
                    var text = sourceSpan.ToString();
                    sourceOf[text] = parsed = Source(text);
                }

                var valueSpan = output.AsSpan(value);
                properties[propertyName] = new ObservedProperty(valueSpan.Length <= 1 ? Shared(wordOf, valueSpan) : valueSpan.ToString(), parsed);
            }
        }

        if (current is not null)
        {
            yield return (current, properties.ToImmutable());
        }
    }

    private static string Shared(Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> words, ReadOnlySpan<char> word)
    {
        if (!words.TryGetValue(word, out var shared))
        {
            shared = word.ToString();
            words[shared] = shared;
        }

        return shared;
    }

    /// <summary>The first four tab-separated fields of one line (a trailing CR dropped), or null with fewer.</summary>
    private static (Range Name, Range Property, Range Value, Range Source)? Row(string output, int start, int end)
    {
        if (end > start && output[end - 1] == '\r')
        {
            end--;
        }

        Span<Range> fields = stackalloc Range[4];
        var at = start;
        for (var i = 0; i < 4; i++)
        {
            var tab = output.IndexOf('\t', at, end - at);
            if (tab < 0 && i < 3)
            {
                return null;
            }

            // The source ends at a fifth field's tab (never printed by zfs), as Split('\t') did.
            fields[i] = new Range(at, tab < 0 ? end : tab);
            at = tab + 1;
        }

        return (fields[0], fields[1], fields[2], fields[3]);
    }

    /// <summary>"zpool get -H -p -o property,value,source": one object's properties.</summary>
    public static ImmutableDictionary<string, ObservedProperty> OfOne(string output) =>
        Collect(ScriptedRows(output, 3).Select(f => (f[0], f[1], f[2])));

    /// <summary>
    /// The human table "NAME PROPERTY VALUE SOURCE" (zfs-fuse's zpool get has no -H). A value may hold spaces, so it
    /// is everything between the property and the last column.
    /// </summary>
    public static ImmutableDictionary<string, ObservedProperty> Table(string output) =>
        Collect(output.Split('\n').Skip(1)
            .Select(line => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 4)
            .Select(fields => (fields[1], string.Join(' ', fields[2..^1]), fields[^1])));

    /// <summary>The SOURCE column: local, default, received, temporary, "inherited from X", or "-".</summary>
    public static PropertySource Source(string text) => text switch
    {
        "local" => PropertySource.Local,
        "default" => PropertySource.Default,
        "received" => PropertySource.Received,
        "temporary" => PropertySource.Temporary,
        _ when text.StartsWith(InheritedFrom, StringComparison.Ordinal) => PropertySource.InheritedFrom(text[InheritedFrom.Length..]),
        _ => PropertySource.None,
    };

    /// <summary>A source in zfs get's own words, for reports a person compares with what zfs shows.</summary>
    public static string Describe(PropertySource source) => source switch
    {
        PropertySource.LocalSource => "local",
        PropertySource.DefaultSource => "default",
        PropertySource.ReceivedSource => "received",
        PropertySource.TemporarySource => "temporary",
        PropertySource.Inherited inherited => InheritedFrom + inherited.From,
        _ => "-",
    };

    private static IEnumerable<string[]> ScriptedRows(string output, int columns) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.TrimEnd('\r').Split('\t'))
            .Where(fields => fields.Length >= columns);

    private static ImmutableDictionary<string, ObservedProperty> Collect(IEnumerable<(string Property, string Value, string Source)> rows)
    {
        var properties = new Dictionary<string, ObservedProperty>(StringComparer.Ordinal);
        foreach (var (property, value, source) in rows)
        {
            properties.TryAdd(property, new ObservedProperty(value, Source(source)));
        }

        return properties.ToImmutableDictionary(StringComparer.Ordinal);
    }
}
