using System.Globalization;
using ZfsAnsible.Domain.Snapshots;

namespace ZfsAnsible.Zfs.Parsing;

/// <summary>
/// Rows of "zfs list -H -p -t snapshot -o name,createtxg", read straight into <see cref="Snapshot.Listed"/> records:
/// nothing of a row outlives it but the snapshot's own name, and its dataset's name is the caller's string.
/// </summary>
public static class SnapshotListing
{
    /// <param name="datasets">The datasets listed, by name: a row of any other dataset is unreadable.</param>
    public static Snapshot? Read(ReadOnlySpan<char> row, Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> datasets)
    {
        Span<Range> fields = stackalloc Range[3];
        if (row.Split(fields, '\t') != 2)
        {
            return null;
        }

        var fullName = row[fields[0]];
        var at = fullName.IndexOf('@');
        return at > 0 && at < fullName.Length - 1 && datasets.TryGetValue(fullName[..at], out var dataset)
            && long.TryParse(row[fields[1]], NumberStyles.None, CultureInfo.InvariantCulture, out var txg)
            ? Snapshot.Listed(dataset, fullName[(at + 1)..].ToString(), txg)
            : null;
    }
}
