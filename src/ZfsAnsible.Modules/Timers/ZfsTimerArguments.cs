using System.Text.Json.Nodes;
using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.Timers;

public enum TimerState
{
    Present,
    Absent,
}

/// <summary>zfs_timer's options, typed.</summary>
/// <param name="Options">The program's own module options (validated by its spec), saved for the timer's runs.</param>
public sealed record ZfsTimerArguments(
    string Name,
    string Program,
    JsonObject? Options = null,
    string OnCalendar = ZfsTimerArguments.DefaultSchedule,
    string? Description = null,
    TimerState State = TimerState.Present,
    bool Enabled = true,
    string Root = "/")
{
    public const string DefaultSchedule = "*:0/15";

    /// <summary>Every option at its default: the spec's defaults are read from here.</summary>
    internal static ZfsTimerArguments Defaults { get; } = new(string.Empty, string.Empty);

    public static ZfsTimerArguments From(ModuleParameters parameters) => parameters.Bind(ModuleArgumentsJson.Default.ZfsTimerArguments);
}
