using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules;

/// <summary>
/// What every module run starts with: the runner, the capabilities probed once, and the way planned commands
/// are applied and reported (all of them, or up to the first failure, which says what had already changed).
/// </summary>
public sealed class ZfsSession
{
    public ZfsSession(ICommandRunner runner)
    {
        Runner = runner;
        Executor = new ZfsExecutor(runner);
        Capabilities = CapabilityProbe.Probe(runner);
        Zpool = new Zpool(runner, Capabilities);
    }

    public ICommandRunner Runner { get; }

    public ZfsExecutor Executor { get; }

    public ZfsCapabilities Capabilities { get; }

    public Zpool Zpool { get; }

    /// <summary>Runs the planned changes in order unless <paramref name="checkMode"/>; stops at the first failure.</summary>
    public AppliedCommands Apply(ImmutableArray<Command> commands, bool checkMode)
    {
        if (checkMode)
        {
            return new AppliedCommands(commands, 0, null);
        }

        for (var i = 0; i < commands.Length; i++)
        {
            var result = Executor.Run(commands[i], CommandPolicy.RetryWhileBusy);
            if (!result.IsOk)
            {
                return new AppliedCommands(commands, i, result.Error);
            }
        }

        return new AppliedCommands(commands, commands.Length, null);
    }
}

/// <summary>
/// Planned commands, how many ran successfully, and the failure that stopped the rest: the one partial-failure
/// type of every module, so each reports what had already changed the same way.
/// </summary>
public sealed record AppliedCommands(ImmutableArray<Command> Planned, int Succeeded, Error? Failure)
{
    [MemberNotNullWhen(true, nameof(Failure))]
    public bool Failed => Failure is not null;

    /// <summary>Two applies in a row read as one; only a fully applied first is followed by a second.</summary>
    public AppliedCommands Then(AppliedCommands next) => new(Planned.AddRange(next.Planned), Succeeded + next.Succeeded, next.Failure);

    /// <summary>The commands that ran, the failing one included.</summary>
    public ImmutableArray<Command> Ran => Planned[..Math.Min(Planned.Length, Succeeded + (Failed ? 1 : 0))];

    /// <summary>A failed task; changed when commands before the failing one had succeeded.</summary>
    public ModuleResult FailureResult(string? context = null) =>
        ModuleResult.Fail(context is null ? $"{Failure?.Message}" : $"{context}: {Failure?.Message}", changed: Succeeded > 0)
            .With("commands", ModuleJson.Commands(Ran));
}

public static class ModuleJson
{
    /// <summary>Commands as the shell lines a person would type, for the "commands" return value.</summary>
    public static JsonArray Commands(IEnumerable<Command> commands) =>
        new([.. commands.Select(c => (JsonNode?)JsonValue.Create(c.ToString()))]);
}
