using System.Collections.Immutable;
using ZfsAnsible.Domain.Pools;

namespace ZfsAnsible.Zfs.Parsing;

/// <summary>Reads "get" output: tab-separated -H rows, or the column table of CLIs without -H.</summary>
public static class PropertyParser
{
    /// <summary>Rows of "property\tvalue\tsource" (zfs get -Hp -o property,value,source).</summary>
    public static ImmutableDictionary<string, ObservedProperty> ParseScripted(string output, int propertyColumn = 0)
    {
        var properties = ImmutableDictionary.CreateBuilder<string, ObservedProperty>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var fields = line.TrimEnd('\r').Split('\t');
            if (fields.Length >= propertyColumn + 3)
            {
                properties[fields[propertyColumn]] = new ObservedProperty(fields[propertyColumn + 1], fields[propertyColumn + 2]);
            }
        }

        return properties.ToImmutable();
    }

    /// <summary>
    /// The human table "NAME PROPERTY VALUE SOURCE" (zfs-fuse's zpool get has no -H). A value may hold
    /// spaces, so it is everything between the property and the last column.
    /// </summary>
    public static ImmutableDictionary<string, ObservedProperty> ParseTable(string output)
    {
        var properties = ImmutableDictionary.CreateBuilder<string, ObservedProperty>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n').Skip(1))
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 4)
            {
                properties[fields[1]] = new ObservedProperty(string.Join(' ', fields[2..^1]), fields[^1]);
            }
        }

        return properties.ToImmutable();
    }
}
