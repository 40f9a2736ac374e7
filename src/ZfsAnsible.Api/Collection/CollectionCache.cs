using ZfsAnsible.Api.Metrics;
using ZfsAnsible.Domain;

namespace ZfsAnsible.Api.Collection;

/// <summary>What a request gets: the newest good state (null before the first success) and how collecting went.</summary>
public sealed record CollectionView(HostState? State, CollectionStats Stats);

/// <summary>
/// Collections shared by every request: at most one runs at a time, a result younger than the TTL is served to
/// everyone, and a collection slower than the timeout (a hung zfs) or a failing one leaves the last good state in
/// place with the error counted. A request waits at most what is left of the running collection's timeout, so a
/// scrape during a hang is answered at once with the last good data, and a second zfs is never started.
/// </summary>
public sealed class CollectionCache(Func<Result<HostState>> collect, TimeProvider clock, TimeSpan ttl, TimeSpan timeout)
{
    private readonly Lock _gate = new();
    private Task<CollectionView>? _running;
    private DateTimeOffset _runningSince;
    private bool _hangCounted;
    private CollectionView _current = new(null, new CollectionStats(0, 0, TimeSpan.Zero, null, null));
    private DateTimeOffset _collectedAt = DateTimeOffset.MinValue;

    public async Task<CollectionView> GetAsync()
    {
        Task<CollectionView> running;
        TimeSpan remaining;
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (_running is null)
            {
                if (now - _collectedAt < ttl)
                {
                    return _current;
                }

                _runningSince = now;
                _hangCounted = false;
                _running = Task.Run(Run);
            }

            running = _running;
            remaining = timeout - (now - _runningSince);
        }

        if (remaining > TimeSpan.Zero)
        {
            try
            {
                return await running.WaitAsync(remaining, clock).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Answered below with the last good state.
            }
        }

        lock (_gate)
        {
            if (running.IsCompleted)
            {
                return _current;
            }

            // The hang is one error, however many requests see it.
            var stats = _current.Stats;
            if (!_hangCounted)
            {
                _hangCounted = true;
                _current = _current with { Stats = stats with { Errors = stats.Errors + 1 } };
            }

            return _current with { Stats = _current.Stats with { LastError = $"the collection has been running for more than {timeout.TotalSeconds:0.#} s (zfs or zpool does not answer)" } };
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
#pragma warning disable CA1031 // The boundary of a background collection: whatever went wrong is reported as data, never a broken cache.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            result = Result<HostState>.Fail($"collection failed: {exception.Message}");
        }

        var duration = clock.GetElapsedTime(started);
        lock (_gate)
        {
            var stats = _current.Stats;
            // A hang already counted as an error is not counted again when it finally fails.
            var errors = stats.Errors + (result.IsOk || _hangCounted ? 0 : 1);
            _current = result.IsOk
                ? new CollectionView(result.Value, stats with { Collections = stats.Collections + 1, LastDuration = duration, LastSuccess = result.Value.CollectedAt, LastError = null })
                : _current with { Stats = stats with { Collections = stats.Collections + 1, Errors = errors, LastDuration = duration, LastError = result.Error.Message } };
            _collectedAt = clock.GetUtcNow();
            _running = null;
            return _current;
        }
    }
}
