using ZfsAnsible.Api.Metrics;
using ZfsAnsible.Domain;

namespace ZfsAnsible.Api.Collection;

/// <summary>What a request gets: the newest good state (null before the first success) and how collecting went.</summary>
public sealed record CollectionView(HostState? State, CollectionStats Stats);

/// <summary>
/// Collections shared by every request: at most one runs at a time, a result younger than the TTL is served to
/// everyone, and a collection slower than the timeout (a hung zfs) or a failing one leaves the last good state in
/// place with the error counted — a scrape never waits longer than the timeout, and never starts a second zfs.
/// </summary>
public sealed class CollectionCache(Func<Result<HostState>> collect, TimeProvider clock, TimeSpan ttl, TimeSpan timeout)
{
    private readonly Lock _gate = new();
    private Task<CollectionView>? _running;
    private CollectionView _current = new(null, new CollectionStats(0, 0, TimeSpan.Zero, null, null));
    private DateTimeOffset _collectedAt = DateTimeOffset.MinValue;

    public async Task<CollectionView> GetAsync()
    {
        Task<CollectionView> running;
        lock (_gate)
        {
            if (clock.GetUtcNow() - _collectedAt < ttl)
            {
                return _current;
            }

            running = _running ??= Task.Run(Run);
        }

        var finished = await Task.WhenAny(running, Task.Delay(timeout, clock)).ConfigureAwait(false);
        if (finished == running)
        {
            return await running.ConfigureAwait(false);
        }

        lock (_gate)
        {
            var stats = _current.Stats;
            return _current with { Stats = stats with { LastError = $"the collection has been running for more than {timeout.TotalSeconds:0.#} s (zfs or zpool does not answer)" } };
        }
    }

    private CollectionView Run()
    {
        var started = clock.GetTimestamp();
        Result<HostState> result;
        try
        {
            result = collect();
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            result = Result<HostState>.Fail($"collection failed: {exception.Message}");
        }

        var duration = clock.GetElapsedTime(started);
        lock (_gate)
        {
            var stats = _current.Stats;
            _current = result.IsOk
                ? new CollectionView(result.Value, stats with { Collections = stats.Collections + 1, LastDuration = duration, LastSuccess = result.Value.CollectedAt, LastError = null })
                : _current with { Stats = stats with { Collections = stats.Collections + 1, Errors = stats.Errors + 1, LastDuration = duration, LastError = result.Error.Message } };
            _collectedAt = clock.GetUtcNow();
            _running = null;
            return _current;
        }
    }
}
