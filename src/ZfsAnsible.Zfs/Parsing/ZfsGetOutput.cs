using System.Collections.Immutable;
using ZfsAnsible.Domain.Pools;

namespace ZfsAnsible.Zfs.Parsing;

/// <summary>The rows of "zfs get -H -p -o name,property,value,source", grouped by object name; bookmarks skipped.</summary>
public static class ZfsGetOutput
{
    public static ImmutableDictionary<string, ImmutableDictionary<string, ObservedProperty>> Parse(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.TrimEnd('\r').Split('\t'))
            .Where(fields => fields.Length >= 4 && !fields[0].Contains('#', StringComparison.Ordinal))
            .GroupBy(fields => fields[0], StringComparer.Ordinal)
            .ToImmutableDictionary(
                group => group.Key,
                group => group.GroupBy(f => f[1], StringComparer.Ordinal).ToImmutableDictionary(p => p.Key, p => new ObservedProperty(p.First()[2], p.First()[3]), StringComparer.Ordinal),
                StringComparer.Ordinal);
}
