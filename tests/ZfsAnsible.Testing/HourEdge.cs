using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Snapshots;

namespace ZfsAnsible.Testing;

/// <summary>
/// The edges of the snapshot calendar's hours (IntervalCalendar: a new UTC hour makes an hourly snapshot due, and
/// every new day, week, month and year begins on one). A scenario that runs the snapshot module more than once
/// expects the same snapshots due each time, so it must not straddle an edge: it starts clear of one.
/// </summary>
public static class HourEdge
{
    /// <summary>Another host's clock (the OpenZFS guest's) may be this far from ours.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long to wait at <paramref name="now"/> so that the next <paramref name="needed"/> hold no hour edge on any
    /// clock within <see cref="Skew"/> of ours: nothing when the next edge is far enough, else until just past it.
    /// </summary>
    public static TimeSpan WaitBefore(DateTimeOffset now, TimeSpan needed)
    {
        var hour = IntervalCalendar.PeriodStart(Interval.Hourly, now);
        var sinceLast = now - hour;
        var untilNext = hour.AddHours(1) - now;
        return sinceLast < Skew ? Skew - sinceLast
            : untilNext < needed + Skew ? untilNext + Skew
            : TimeSpan.Zero;
    }

    /// <summary>Sleeps, when it must, until the next <paramref name="needed"/> hold no hour edge.</summary>
    public static void StayClear(TimeSpan needed) => Thread.Sleep(WaitBefore(DateTimeOffset.UtcNow, needed));
}
