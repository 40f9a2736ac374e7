using System.Diagnostics;
using ZfsAnsible.Domain;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Api.Collection;

/// <summary>
/// One collection: one zpool list of every pool, then one recursive zfs get of sizes, policies and snapshots below
/// all of them — the two listings the metrics and the API need, nothing per dataset.
/// </summary>
/// <param name="capabilities">What a caller already probed (a module's one probe per run); null: probed here.</param>
public sealed class HostCollector(ICommandRunner runner, TimeProvider clock, ZfsCapabilities? capabilities = null)
{
    // The CLI flavour does not change while the service runs, but a probe while zfs is not up yet (at boot) would
    // read as the legacy CLI: it is kept only once a collection has succeeded with it. Collections never overlap.
    private ZfsCapabilities? _capabilities = capabilities;

    public Result<HostState> Collect()
    {
        var started = Stopwatch.GetTimestamp();
        var capabilities = _capabilities ?? CapabilityProbe.Probe(runner);
        var pools = new Zpool(runner, capabilities).Summaries();
        if (!pools.IsOk)
        {
            return pools.Error;
        }

        var inventory = new ZfsSnapshots(runner, capabilities).Inventory([.. pools.Value.Select(p => p.Name)], HostState.DatasetProperties);
        if (!inventory.IsOk)
        {
            return inventory.Error;
        }

        _capabilities = capabilities;
        return HostState.From(clock.GetUtcNow(), Stopwatch.GetElapsedTime(started), capabilities.Implementation, pools.Value, inventory.Value);
    }
}
