using System.Collections.Immutable;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Zfs.Execution;
using ZfsAnsible.Zfs.Parsing;

namespace ZfsAnsible.Zfs;

/// <summary>Sizes and health of an imported pool, in bytes and whole percents.</summary>
public sealed record PoolSummary(string Name, string Health, long Size, long Allocated, long Free, int? Capacity, int? Fragmentation)
{
    /// <summary>Allocated over size, exact (zpool's capacity column is a rounded percentage).</summary>
    public double CapacityRatio => Size > 0 ? (double)Allocated / Size : 0;
}

/// <summary>Reads pools through zpool, choosing the flags the probed command line supports.</summary>
public sealed class Zpool(ICommandRunner runner, ZfsCapabilities capabilities)
{
    private readonly ZfsExecutor _zfs = new(runner);

    public ZfsCapabilities Capabilities => capabilities;

    /// <summary>zpool answers "busy" right after a mount or unmount even to a read; every zpool command retries it.</summary>
    private Result<string> Read(Command command) => _zfs.Read(command, CommandPolicy.RetryWhileBusy);

    public Result<ImmutableArray<string>> ImportedPools() =>
        Read(Command.Of("zpool", "list", "-H", "-o", "name"))
            .Map(output => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToImmutableArray());

    public Result<PoolSummary> Summary(string pool) => Summaries(pool).Map(pools => pools.Single());

    /// <summary>Sizes and health of one pool, or of every imported pool (one zpool list).</summary>
    public Result<ImmutableArray<PoolSummary>> Summaries(string? pool = null)
    {
        var columns = capabilities.Fragmentation ? "name,health,size,allocated,free,capacity,fragmentation" : "name,health,size,allocated,free,capacity";
        var command = Command.Of("zpool", "list", "-H")
            .WithArguments(capabilities.ParsableOutput ? ["-p"] : [])
            .WithArguments("-o", columns)
            .WithArguments(pool is null ? [] : [pool]);
        return Read(command).Bind(output =>
        {
            var pools = ImmutableArray.CreateBuilder<PoolSummary>();
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Trim().Split('\t');
                if (fields.Length < 6 || !Sizes.TryParse(fields[2], out var size) || !Sizes.TryParse(fields[3], out var allocated) || !Sizes.TryParse(fields[4], out var free))
                {
                    return Result<ImmutableArray<PoolSummary>>.Fail(new ZfsOutputError(command, $"unexpected line '{line.Trim()}'"));
                }

                pools.Add(new PoolSummary(fields[0], fields[1], size, allocated, free, Sizes.ParsePercent(fields[5]), fields.Length > 6 ? Sizes.ParsePercent(fields[6]) : null));
            }

            return pool is not null && pools.Count != 1
                ? Result<ImmutableArray<PoolSummary>>.Fail(new ZfsOutputError(command, $"expected one line for pool {pool}, got {pools.Count}"))
                : Result.Ok(pools.ToImmutable());
        });
    }

    /// <summary>zpool status of one pool, or of all imported pools when none is named.</summary>
    public Result<ImmutableArray<PoolStatus>> Status(string? pool = null)
    {
        var command = Command.Of("zpool", "status")
            .WithArguments(capabilities.StatusFullPaths ? ["-P"] : [])
            .WithArguments(pool is null ? [] : [pool]);
        return Read(command).Map(output => ZpoolStatusParser.Parse(output)
            .Select(pool => pool.WithLeafNames(Devices.DeviceNames.Absolute))
            .ToImmutableArray());
    }

    /// <summary>Pools an import scan finds (exported, or from another system); an empty scan is not an error.</summary>
    public Result<ImmutableArray<string>> Importable(IEnumerable<string> searchDirectories)
    {
        var command = Command.Of("zpool", "import").WithArguments(searchDirectories.SelectMany(d => new[] { "-d", d }));
        return _zfs.Run(command, CommandPolicy.Once.Tolerating(ZfsFailure.NothingToImport)).Map(result => ImportScanParser.Parse(result.StandardOutput));
    }

    public Result<IReadOnlyDictionary<string, ObservedProperty>> Properties(string pool, IReadOnlyCollection<string> names)
    {
        if (names.Count == 0)
        {
            return Result.Ok<IReadOnlyDictionary<string, ObservedProperty>>(ImmutableDictionary<string, ObservedProperty>.Empty);
        }

        var list = string.Join(',', names);
        return capabilities.ParsableOutput
            ? Read(Command.Of("zpool", "get", "-H", "-p", "-o", "property,value,source", list, pool))
                .Map(output => (IReadOnlyDictionary<string, ObservedProperty>)GetOutput.OfOne(output))
            : Read(Command.Of("zpool", "get", list, pool))
                .Map(output => (IReadOnlyDictionary<string, ObservedProperty>)GetOutput.Table(output));
    }
}
