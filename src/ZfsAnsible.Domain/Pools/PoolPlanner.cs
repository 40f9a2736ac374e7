using System.Collections.Immutable;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Pools;

/// <summary>The changes that bring an observed pool to its declaration, with warnings; or why it cannot be done.</summary>
public sealed record PoolPlan(ImmutableArray<PoolAction> Actions, ImmutableArray<string> Warnings)
{
    public static PoolPlan Nothing { get; } = new([], []);
}

/// <summary>
/// Decides, without any I/O, what to do to a pool. Destructive steps exist only for an explicit
/// state: absent + allow_destroy; a topology that differs is reported, never repaired.
/// </summary>
public static class PoolPlanner
{
    /// <summary>Properties that only mean something when the pool or dataset is created.</summary>
    public static readonly ImmutableHashSet<string> CreationOnlyPoolProperties = ["ashift", "version"];

    public static readonly ImmutableHashSet<string> CreationOnlyFilesystemProperties =
        ["casesensitivity", "normalization", "utf8only", "encryption", "keyformat", "volblocksize"];

    public static Result<PoolPlan> Plan(PoolDeclaration declared, PoolObservation observed) => declared.State switch
    {
        PoolState.Absent => PlanAbsent(declared, observed),
        PoolState.Exported => PlanExported(declared, observed),
        PoolState.Imported => PlanImported(declared, observed, mayCreate: false),
        PoolState.Present => PlanImported(declared, observed, mayCreate: true),
        _ => Result<PoolPlan>.Fail($"unknown state {declared.State}"),
    };

    private static Result<PoolPlan> PlanAbsent(PoolDeclaration declared, PoolObservation observed) => observed.Presence switch
    {
        PoolPresence.Imported when !declared.AllowDestroy => Result<PoolPlan>.Fail(
            $"refusing to destroy pool {declared.Name}: state absent also needs allow_destroy: true"),
        PoolPresence.Imported => Result.Ok(new PoolPlan([new DestroyPool(declared.Name)], [])),
        _ => Result.Ok(PoolPlan.Nothing),
    };

    private static Result<PoolPlan> PlanExported(PoolDeclaration declared, PoolObservation observed) => observed.Presence switch
    {
        PoolPresence.Imported => Result.Ok(new PoolPlan([new ExportPool(declared.Name)], [])),
        PoolPresence.Exported => Result.Ok(PoolPlan.Nothing),
        _ => Result<PoolPlan>.Fail($"pool {declared.Name} is neither imported nor found by an import scan{Searched(declared)}"),
    };

    private static Result<PoolPlan> PlanImported(PoolDeclaration declared, PoolObservation observed, bool mayCreate)
    {
        switch (observed.Presence)
        {
            case PoolPresence.Imported:
                return Converge(declared, observed);
            case PoolPresence.Exported:
                // Properties and topology are checked on the next pass, once the pool can be read.
                return Result.Ok(new PoolPlan([new ImportPool(declared.Name, declared.SearchDirectories, declared.Altroot)], []));
            case PoolPresence.Absent when !mayCreate:
                return Result<PoolPlan>.Fail($"no pool named {declared.Name} to import{Searched(declared)}");
            default:
                return PlanCreate(declared, observed);
        }
    }

    private static Result<PoolPlan> PlanCreate(PoolDeclaration declared, PoolObservation observed)
    {
        if (declared.Topology is null || declared.Topology.Vdevs.IsEmpty)
        {
            return Result<PoolPlan>.Fail($"pool {declared.Name} does not exist and cannot be created: no vdevs declared");
        }

        if (!declared.Topology.Vdevs.Any(v => v.Class == VdevClass.Data))
        {
            return Result<PoolPlan>.Fail($"pool {declared.Name} cannot be created: it needs at least one data vdev in vdevs");
        }

        if (DeviceSafety.Check(declared.Topology, observed.Devices, declared.Force) is { } unsafeDevices)
        {
            return unsafeDevices;
        }

        return Result.Ok(new PoolPlan([new CreatePool(declared)], []));
    }

    private static Result<PoolPlan> Converge(PoolDeclaration declared, PoolObservation observed)
    {
        var actions = ImmutableArray.CreateBuilder<PoolAction>();
        var warnings = ImmutableArray.CreateBuilder<string>();

        if (declared.Topology is { } topology)
        {
            var difference = TopologyComparison.Compare(topology, observed.Topology, observed.IdentityOf);
            if (!difference.Unexpected.IsEmpty || (!difference.Missing.IsEmpty && !declared.AddVdevs))
            {
                var hint = difference.Unexpected.IsEmpty ? " (set add_vdevs: true to add what is missing)" : string.Empty;
                return Result<PoolPlan>.Fail(
                    $"pool {declared.Name} differs from its declared vdevs: {difference.Describe()}{hint}; an existing pool's vdevs are never changed otherwise");
            }

            if (!difference.Missing.IsEmpty)
            {
                var missing = new PoolTopology(difference.Missing);
                if (DeviceSafety.Check(missing, observed.Devices, declared.Force) is { } unsafeDevices)
                {
                    return unsafeDevices;
                }

                actions.Add(new AddVdevs(declared.Name, missing, declared.Force));
            }
        }

        foreach (var (property, value) in declared.Properties)
        {
            ConvergeProperty(property, value, observed.Properties, CreationOnlyPoolProperties, "pool property",
                () => new SetPoolProperty(declared.Name, property, value), actions, warnings);
        }

        foreach (var (property, value) in FilesystemPropertiesOf(declared))
        {
            ConvergeProperty(property, value, observed.FilesystemProperties, CreationOnlyFilesystemProperties, "property",
                () => new SetFilesystemProperty(declared.Name, property, value), actions, warnings);
        }

        return Result.Ok(new PoolPlan(actions.ToImmutable(), warnings.ToImmutable()));
    }

    /// <summary>The root dataset's declared properties, the mountpoint among them when it can be compared.</summary>
    public static ImmutableSortedDictionary<string, string> FilesystemPropertiesOf(PoolDeclaration declared) =>
        declared.Mountpoint is { } mountpoint && declared.Altroot is null
            ? declared.FilesystemProperties.SetItem("mountpoint", mountpoint)
            : declared.FilesystemProperties;

    private static void ConvergeProperty(
        string property,
        string value,
        IReadOnlyDictionary<string, ObservedProperty> observed,
        ImmutableHashSet<string> creationOnly,
        string kind,
        Func<PoolAction> change,
        ImmutableArray<PoolAction>.Builder actions,
        ImmutableArray<string>.Builder warnings)
    {
        if (observed.TryGetValue(property, out var current) && PropertyValues.AreEquivalent(value, current.Value))
        {
            return;
        }

        if (creationOnly.Contains(property))
        {
            warnings.Add($"{kind} {property} is {current?.Value ?? "unknown"}, declared {value}: it applies only at creation and was not changed");
            return;
        }

        actions.Add(change());
    }

    private static string Searched(PoolDeclaration declared) =>
        declared.SearchDirectories.IsEmpty ? " (searched /dev; set search_directories for file-backed vdevs)" : $" (searched {string.Join(", ", declared.SearchDirectories)})";
}
