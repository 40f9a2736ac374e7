using System.Collections.Immutable;

namespace ZfsAnsible.Domain.Policies;

/// <summary>How often a snapshot of this kind is taken, shortest first (the order retention is reported in).</summary>
public enum Interval
{
    Frequently,
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

public static class Intervals
{
    public static ImmutableArray<Interval> All { get; } =
        [Interval.Frequently, Interval.Hourly, Interval.Daily, Interval.Weekly, Interval.Monthly, Interval.Yearly];

    /// <summary>"frequently, hourly, ...": for error messages that list what is accepted.</summary>
    public static string KnownNames { get; } = string.Join(", ", All.Select(YamlName));

    /// <summary>The name used in the inventory (<c>snapshots: { hourly: 24 }</c>) and in snapshot names.</summary>
    public static string YamlName(this Interval interval) => interval switch
    {
        Interval.Frequently => "frequently",
        Interval.Hourly => "hourly",
        Interval.Daily => "daily",
        Interval.Weekly => "weekly",
        Interval.Monthly => "monthly",
        Interval.Yearly => "yearly",
        _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, null),
    };

    /// <summary>Exact inventory names only: "Hourly" or "hour" are typos the user should hear about.</summary>
    public static Interval? Parse(string? name) => name is null ? null : Parse(name.AsSpan());

    public static Interval? Parse(ReadOnlySpan<char> name) => name switch
    {
        "frequently" => Interval.Frequently,
        "hourly" => Interval.Hourly,
        "daily" => Interval.Daily,
        "weekly" => Interval.Weekly,
        "monthly" => Interval.Monthly,
        "yearly" => Interval.Yearly,
        _ => null,
    };

    /// <summary>Nominal spacing of two snapshots; months and years are approximate, calendar rules live with the scheduler.</summary>
    public static TimeSpan NominalPeriod(this Interval interval) => interval switch
    {
        Interval.Frequently => TimeSpan.FromMinutes(15),
        Interval.Hourly => TimeSpan.FromHours(1),
        Interval.Daily => TimeSpan.FromDays(1),
        Interval.Weekly => TimeSpan.FromDays(7),
        Interval.Monthly => TimeSpan.FromDays(30),
        Interval.Yearly => TimeSpan.FromDays(365),
        _ => throw new ArgumentOutOfRangeException(nameof(interval), interval, null),
    };
}
