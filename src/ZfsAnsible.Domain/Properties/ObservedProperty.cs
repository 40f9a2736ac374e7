namespace ZfsAnsible.Domain.Properties;

/// <summary>A property as zfs get / zpool get reported it: its value and where that value comes from.</summary>
public sealed record ObservedProperty(string Value, PropertySource Source)
{
    /// <summary>Set on the object itself (not inherited, not a default).</summary>
    public bool IsLocal => Source is PropertySource.LocalSource;

    /// <summary>A user property nobody set reads "-" with source "-".</summary>
    public bool IsSet => Source is not PropertySource.NoneSource;
}

/// <summary>The SOURCE column of zfs get: typed, so no code compares raw strings such as "inherited from".</summary>
public abstract record PropertySource
{
    public static PropertySource Local { get; } = new LocalSource();

    public static PropertySource Default { get; } = new DefaultSource();

    public static PropertySource Received { get; } = new ReceivedSource();

    public static PropertySource Temporary { get; } = new TemporarySource();

    /// <summary>"-": a read-only property, or a user property that is not set.</summary>
    public static PropertySource None { get; } = new NoneSource();

    public static PropertySource InheritedFrom(string dataset) => new Inherited(dataset);

    public sealed record LocalSource : PropertySource;

    public sealed record DefaultSource : PropertySource;

    public sealed record ReceivedSource : PropertySource;

    public sealed record TemporarySource : PropertySource;

    public sealed record NoneSource : PropertySource;

    public sealed record Inherited(string From) : PropertySource;
}
