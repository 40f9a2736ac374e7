namespace ZfsAnsible.Testing;

/// <summary>A clock that always says the same time.</summary>
public sealed class FakeClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
