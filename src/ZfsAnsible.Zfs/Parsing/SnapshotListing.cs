using System.Collections.Immutable;
using System.Globalization;
using ZfsAnsible.Domain.Snapshots;

namespace ZfsAnsible.Zfs.Parsing;

/// <summary>
/// Rows of "zfs list -H -p -t snapshot -o name,createtxg,creation,userrefs,zfsansible:replicated", read straight into
/// records: nothing of a row outlives it but the snapshot's own name, and its dataset's name is the caller's string.
/// </summary>
public static class SnapshotListing
{
    /// <param name="datasets">The datasets listed, by name: a row of any other dataset is unreadable.</param>
    /// <param name="inherits">Datasets whose listed mark may be inherited: their snapshots' marks are <paramref name="localMarks"/>.</param>
    /// <param name="localMarks">Marks set on the snapshots themselves, by full snapshot name.</param>
    public static Snapshot? Read(
        ReadOnlySpan<char> row,
        Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> datasets,
        IReadOnlySet<string> inherits,
        IReadOnlyDictionary<string, string> localMarks)
    {
        Span<Range> fields = stackalloc Range[6];
        if (row.Split(fields, '\t') != 5)
        {
            return null;
        }

        var fullName = row[fields[0]];
        var at = fullName.IndexOf('@');
        if (at <= 0 || !datasets.TryGetValue(fullName[..at], out var dataset)
            || !long.TryParse(row[fields[1]], NumberStyles.None, CultureInfo.InvariantCulture, out var txg)
            || !long.TryParse(row[fields[2]], NumberStyles.None, CultureInfo.InvariantCulture, out var creation)
            || !long.TryParse(row[fields[3]], NumberStyles.None, CultureInfo.InvariantCulture, out var holds))
        {
            return null;
        }

        var listedMark = row[fields[4]];
        var mark = inherits.Contains(dataset)
            ? localMarks.GetValueOrDefault(fullName.ToString(), string.Empty)
            : listedMark is "-" ? string.Empty : listedMark.ToString();
        return new Snapshot(dataset, fullName[(at + 1)..].ToString(), txg, DateTimeOffset.FromUnixTimeSeconds(creation), (int)Math.Min(holds, int.MaxValue), mark);
    }
}
