using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Domain.Snapshots;

/// <summary>
/// Calendar periods in UTC: an interval's snapshot is due when none was taken in the current period (this quarter
/// hour, hour, day, ISO week, month or year). A timer that runs late still takes exactly one per period.
/// </summary>
public static class IntervalCalendar
{
    public static DateTimeOffset PeriodStart(Interval interval, DateTimeOffset time)
    {
        var t = time.UtcDateTime;
        var start = interval switch
        {
            Interval.Frequently => new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute - (t.Minute % 15), 0, DateTimeKind.Utc),
            Interval.Hourly => new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc),
            Interval.Daily => t.Date,
            Interval.Weekly => t.Date.AddDays(-(((int)t.DayOfWeek + 6) % 7)),
            Interval.Monthly => new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc),
            Interval.Yearly => new DateTime(t.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, null),
        };
        return new DateTimeOffset(start, TimeSpan.Zero);
    }

    /// <summary>Due when the newest snapshot of this interval is from an earlier period, or there is none.</summary>
    public static bool IsDue(Interval interval, DateTimeOffset now, DateTimeOffset? newest) =>
        newest is null || newest.Value < PeriodStart(interval, now);
}
