using System.Collections.Immutable;

namespace ZfsAnsible.Api.Metrics;

public enum MetricType
{
    Gauge,
    Counter,
}

/// <summary>One series: its label pairs in order, and its value.</summary>
public sealed record Sample(ImmutableArray<KeyValuePair<string, string>> Labels, double Value)
{
    public static Sample Of(double value, params (string Name, string Value)[] labels) =>
        new([.. labels.Select(l => KeyValuePair.Create(l.Name, l.Value))], value);
}

/// <summary>A metric family as the exposition format names it: HELP, TYPE and its samples.</summary>
public sealed record MetricFamily(string Name, string Help, MetricType Type, ImmutableArray<Sample> Samples);
