using System.Collections.Immutable;

namespace ZfsAnsible.Zfs.Parsing;

/// <summary>Reads the pool names "zpool import" (without a pool argument) offers for import.</summary>
public static class ImportScanParser
{
    public static ImmutableArray<string> Parse(string output) =>
    [
        .. output.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("pool:", StringComparison.Ordinal))
            .Select(line => line["pool:".Length..].Trim())
            .Where(name => name.Length > 0),
    ];
}
