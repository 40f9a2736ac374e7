using System.Collections.Immutable;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Zfs.Execution;
using ZfsAnsible.Zfs.Parsing;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Zfs;

/// <summary>Sizes and health of an imported pool, in bytes and whole percents.</summary>
public sealed record PoolSummary(string Name, string Health, long Size, long Allocated, long Free, int? Capacity, int? Fragmentation);

/// <summary>Reads pools through zpool, choosing the flags the probed command line supports.</summary>
public sealed class Zpool(ICommandRunner runner, ZfsCapabilities capabilities)
{
    public ZfsCapabilities Capabilities => capabilities;

    public Result<ImmutableArray<string>> ImportedPools() =>
        Run(Command.Of("zpool", "list", "-H", "-o", "name"))
            .Map(result => result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToImmutableArray());

    public Result<PoolSummary> Summary(string pool)
    {
        var columns = capabilities.Fragmentation ? "name,health,size,allocated,free,capacity,fragmentation" : "name,health,size,allocated,free,capacity";
        var command = Command.Of("zpool", "list", "-H")
            .WithArguments(capabilities.ParsableOutput ? ["-p"] : [])
            .WithArguments("-o", columns, pool);
        return Run(command).Bind(result =>
        {
            var fields = result.StandardOutput.Trim().Split('\t');
            if (fields.Length < 6 || !Sizes.TryParse(fields[2], out var size) || !Sizes.TryParse(fields[3], out var allocated) || !Sizes.TryParse(fields[4], out var free))
            {
                return Result<PoolSummary>.Fail(new ZfsOutputError(command, $"unexpected line '{result.StandardOutput.Trim()}'"));
            }

            return Result.Ok(new PoolSummary(fields[0], fields[1], size, allocated, free, Sizes.ParsePercent(fields[5]), fields.Length > 6 ? Sizes.ParsePercent(fields[6]) : null));
        });
    }

    /// <summary>zpool status of one pool, or of all imported pools when none is named.</summary>
    public Result<ImmutableArray<PoolStatus>> Status(string? pool = null)
    {
        var command = Command.Of("zpool", "status")
            .WithArguments(capabilities.StatusFullPaths ? ["-P"] : [])
            .WithArguments(pool is null ? [] : [pool]);
        return Run(command).Map(result => ZpoolStatusParser.Parse(result.StandardOutput)
            .Select(pool => pool.WithLeafNames(Devices.DeviceNames.Absolute))
            .ToImmutableArray());
    }

    /// <summary>Pools an import scan finds (exported, or from another system); an empty scan is not an error.</summary>
    public Result<ImmutableArray<string>> Importable(IEnumerable<string> searchDirectories)
    {
        var command = Command.Of("zpool", "import").WithArguments(searchDirectories.SelectMany(d => new[] { "-d", d }));
        var result = runner.Run(command);
        // Nothing to import is exit 1: OpenZFS says "no pools available to import", zfs-fuse says nothing.
        var nothingFound = result.ExitCode == 1 && result.StandardOutput.Trim().Length == 0
            && (result.StandardError.Trim().Length == 0 || result.StandardError.Contains("no pools available", StringComparison.OrdinalIgnoreCase));
        if (result.Succeeded || nothingFound)
        {
            return Result.Ok(ImportScanParser.Parse(result.StandardOutput));
        }

        return Result<ImmutableArray<string>>.Fail(new ZfsCommandError(result));
    }

    public Result<IReadOnlyDictionary<string, ObservedProperty>> Properties(string pool, IReadOnlyCollection<string> names)
    {
        if (names.Count == 0)
        {
            return Result.Ok<IReadOnlyDictionary<string, ObservedProperty>>(ImmutableDictionary<string, ObservedProperty>.Empty);
        }

        var list = string.Join(',', names);
        return capabilities.ParsableOutput
            ? Run(Command.Of("zpool", "get", "-H", "-p", "-o", "property,value,source", list, pool))
                .Map(r => (IReadOnlyDictionary<string, ObservedProperty>)GetOutput.OfOne(r.StandardOutput))
            : Run(Command.Of("zpool", "get", list, pool))
                .Map(r => (IReadOnlyDictionary<string, ObservedProperty>)GetOutput.Table(r.StandardOutput));
    }

    /// <summary>Runs a command built by <see cref="ZpoolCommands"/>; failure carries command and stderr.</summary>
    /// <remarks>
    /// "pool is busy" right after a mount or unmount is transient (zfs-fuse especially); a command that
    /// failed that way changed nothing, so it is tried again a few times before the error stands.
    /// </remarks>
    public Result<CommandResult> Run(Command command)
    {
        var result = runner.Run(command);
        for (var attempt = 1; !result.Succeeded && attempt <= BusyRetries && result.StandardError.Contains("is busy", StringComparison.Ordinal); attempt++)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(200 * attempt));
            result = runner.Run(command);
        }

        return result.Succeeded ? Result.Ok(result) : Result<CommandResult>.Fail(new ZfsCommandError(result));
    }

    private const int BusyRetries = 5;
}
