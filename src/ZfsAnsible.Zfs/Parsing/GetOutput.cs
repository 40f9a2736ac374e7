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
        var objects = new Dictionary<string, Dictionary<string, ObservedProperty>>(StringComparer.Ordinal);
        foreach (var fields in ScriptedRows(output, 4).Where(f => !f[0].Contains('#', StringComparison.Ordinal)))
        {
            var properties = objects.TryGetValue(fields[0], out var found) ? found : objects[fields[0]] = new(StringComparer.Ordinal);
            properties.TryAdd(fields[1], new ObservedProperty(fields[2], Source(fields[3])));
        }

        return objects.ToImmutableDictionary(o => o.Key, o => o.Value.ToImmutableDictionary(StringComparer.Ordinal), StringComparer.Ordinal);
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
