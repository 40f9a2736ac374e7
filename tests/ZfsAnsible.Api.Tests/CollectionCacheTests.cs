using Microsoft.Extensions.Time.Testing;
using ZfsAnsible.Api.Collection;
using ZfsAnsible.Domain;

namespace ZfsAnsible.Api.Tests;

public sealed class CollectionCacheTests
{
    private readonly FakeTimeProvider _clock = new(ScriptedHost.Now);

    [Fact]
    public async Task Requests_within_the_ttl_share_one_collection()
    {
        var collections = 0;
        var cache = new CollectionCache(() => { Interlocked.Increment(ref collections); return ScriptedHost.State(); }, _clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => cache.GetAsync()));
        Assert.Equal(1, collections);
        _clock.Advance(TimeSpan.FromSeconds(11));
        var view = await cache.GetAsync();
        Assert.Equal(2, collections);
        Assert.Equal(2, view.Stats.Collections);
    }

    [Fact]
    public async Task A_failing_collection_keeps_the_last_good_state_and_counts_the_error()
    {
        var fail = false;
        var cache = new CollectionCache(() => fail ? Result<HostState>.Fail("zpool list: exit 1") : ScriptedHost.State(), _clock, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        var good = await cache.GetAsync();
        fail = true;
        _clock.Advance(TimeSpan.FromSeconds(2));
        var stale = await cache.GetAsync();
        Assert.Same(good.State, stale.State);
        Assert.Equal(1, stale.Stats.Errors);
        Assert.Equal("zpool list: exit 1", stale.Stats.LastError);
        Assert.Equal(ScriptedHost.Now, stale.Stats.LastSuccess);
    }

    [Fact]
    public async Task A_hung_collection_answers_after_the_timeout_then_at_once_counts_one_error_and_never_runs_twice()
    {
        using var release = new ManualResetEventSlim();
        var collections = 0;
        var cache = new CollectionCache(() => { Interlocked.Increment(ref collections); release.Wait(); return ScriptedHost.State(); }, _clock, TimeSpan.FromHours(1), TimeSpan.FromSeconds(5));
        var first = cache.GetAsync();
        _clock.Advance(TimeSpan.FromSeconds(6));
        var stale = await first;
        Assert.Null(stale.State);
        Assert.Contains("more than 5 s", stale.Stats.LastError);

        // Past the running collection's timeout, a request does not wait again: it is answered before it is awaited.
        var second = cache.GetAsync();
        Assert.True(second.IsCompleted);
        Assert.Equal(1, (await second).Stats.Errors);

        release.Set();
        for (var i = 0; i < 100 && (await cache.GetAsync()).State is null; i++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.NotNull((await cache.GetAsync()).State);
        Assert.Equal(1, (await cache.GetAsync()).Stats.Errors);
        Assert.Equal(1, collections);
    }

    [Fact]
    public async Task Any_exception_is_an_error_and_the_next_collection_runs()
    {
        var throws = true;
        var cache = new CollectionCache(() => throws ? throw new ArgumentOutOfRangeException("value") : ScriptedHost.State(), _clock, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        var view = await cache.GetAsync();
        Assert.Null(view.State);
        Assert.StartsWith("collection failed:", view.Stats.LastError);
        throws = false;
        Assert.NotNull((await cache.GetAsync()).State);
    }
}
