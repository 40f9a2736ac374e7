using System.Globalization;
using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Domain.Snapshots;

/// <summary>
/// The name of a snapshot this tool takes: prefix, UTC time, interval ("zfsansible_2026-11-26T08:00:00Z_hourly").
/// Names sort by time, and only names that parse back are ever candidates for pruning (docs/policies.md, docs/safety.md).
/// </summary>
public sealed record SnapshotName(DateTimeOffset Time, Interval Interval)
{
    public const string Prefix = "zfsansible_";

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>Seconds only: a name never carries more precision than it shows.</summary>
    public static SnapshotName At(DateTimeOffset time, Interval interval) =>
        new(new DateTimeOffset(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero), interval);

    public override string ToString() => $"{Prefix}{Time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}_{Interval.YamlName()}";

    /// <summary>The part after '@'; null for every name this tool did not make (those are never pruned).</summary>
    public static SnapshotName? TryParse(string snapshot)
    {
        if (!snapshot.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        // Spans, not substrings: a host's every snapshot passes through here on every timer run.
        var rest = snapshot.AsSpan(Prefix.Length);
        var separator = rest.LastIndexOf('_');
        if (separator < 0 || Intervals.Parse(rest[(separator + 1)..]) is not { } interval)
        {
            return null;
        }

        return DateTimeOffset.TryParseExact(rest[..separator], TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? new SnapshotName(time, interval)
            : null;
    }
}
