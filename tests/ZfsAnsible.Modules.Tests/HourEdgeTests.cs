using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Snapshots;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Modules.Tests;

/// <summary>The integration scenarios' guard against a snapshot period ending between two runs of the module.</summary>
public sealed class HourEdgeTests
{
    private static readonly TimeSpan Needed = TimeSpan.FromMinutes(3);

    public static TheoryData<string> Moments() =>
        ["2026-12-03T17:30:00Z", "2026-12-03T17:56:54Z", "2026-12-03T17:56:56Z", "2026-12-03T17:59:59Z", "2026-12-03T18:00:00Z",
         "2026-12-03T18:00:04Z", "2026-12-03T18:00:06Z", "2026-12-31T23:58:00Z", "2026-12-06T23:59:30+01:00"];

    private static DateTimeOffset At(string moment) => DateTimeOffset.Parse(moment, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Moments))]
    public void After_the_wait_no_period_of_the_snapshot_calendar_ends_while_a_scenario_runs_on_a_clock_a_little_off(string moment)
    {
        var now = At(moment);
        var start = now + HourEdge.WaitBefore(now, Needed);
        // The scenarios' policies keep hourly and longer intervals; a quarter hour is not guarded.
        foreach (var interval in Enum.GetValues<Interval>().Where(i => i != Interval.Frequently))
        {
            Assert.Equal(
                IntervalCalendar.PeriodStart(interval, start - TimeSpan.FromSeconds(4)),
                IntervalCalendar.PeriodStart(interval, start + Needed + TimeSpan.FromSeconds(4)));
        }
    }

    [Fact]
    public void Far_from_an_edge_there_is_no_wait_and_near_one_the_wait_ends_just_past_it()
    {
        Assert.Equal(TimeSpan.Zero, HourEdge.WaitBefore(At("2026-12-03T17:30:00Z"), Needed));
        Assert.Equal(TimeSpan.FromSeconds(65), HourEdge.WaitBefore(At("2026-12-03T17:59:00Z"), Needed));
        Assert.Equal(TimeSpan.FromSeconds(3), HourEdge.WaitBefore(At("2026-12-03T18:00:02Z"), Needed));
    }
}
