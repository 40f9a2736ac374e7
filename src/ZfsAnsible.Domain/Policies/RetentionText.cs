using System.Collections.Immutable;
using System.Globalization;

namespace ZfsAnsible.Domain.Policies;

/// <summary>
/// A retention as the zfsansible: properties hold it: "hourly=48,daily=30", or "none" for a policy that keeps no
/// snapshots. Written by zfs_dataset_policy (and by a pull on its replicas), read by the snapshot timer.
/// </summary>
public static class RetentionText
{
    public const string None = "none";

    public static string Format(IEnumerable<KeyValuePair<Interval, int>> retention)
    {
        var kept = retention.OrderBy(r => r.Key).Select(r => $"{r.Key.YamlName()}={r.Value.ToString(CultureInfo.InvariantCulture)}").ToList();
        return kept.Count == 0 ? None : string.Join(',', kept);
    }

    /// <summary>The retention, or null when the text is not one.</summary>
    public static ImmutableSortedDictionary<Interval, int>? Parse(string text)
    {
        if (text == None)
        {
            return ImmutableSortedDictionary<Interval, int>.Empty;
        }

        var retention = ImmutableSortedDictionary.CreateBuilder<Interval, int>();
        foreach (var entry in text.Split(','))
        {
            var parts = entry.Split('=');
            if (parts.Length != 2 || Intervals.Parse(parts[0]) is not { } interval || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                || retention.ContainsKey(interval))
            {
                return null;
            }

            retention[interval] = count;
        }

        return retention.ToImmutable();
    }
}
