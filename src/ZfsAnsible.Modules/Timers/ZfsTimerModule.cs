using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain;
using ZfsAnsible.ModuleProtocol.Arguments;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Modules.Installation;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.Timers;

/// <summary>
/// A program of this collection that runs on a systemd timer: its name, its module options' spec, and what its
/// options must satisfy beyond the spec (the checks its run makes first), so a bad option fails the task that
/// installs the timer, not a run at 3 a.m.
/// </summary>
public sealed record TimerProgram(string Name, ArgumentSpec Spec, Func<ModuleParameters, Error?> Check);

/// <summary>
/// zfs_timer: installs this executable on the host (a fixed path, replaced only when its bytes differ), its options
/// file, a service and a timer, and enables the timer; <c>state: absent</c> takes them away again. Served by every
/// executable that has a timer face, so the binary Ansible already uploaded for the task is the one installed.
/// </summary>
public static class ZfsTimerModule
{
    public const string ModuleName = "zfs_timer";

    private static readonly UnixFileMode Readable = (UnixFileMode)Convert.ToInt32("644", 8);
    private static readonly UnixFileMode Private = (UnixFileMode)Convert.ToInt32("600", 8);

    public static ArgumentSpec Spec(TimerProgram program) => ArgumentSpec.Of(
        ("name", Option.Str(required: true)),
        ("program", Option.Str(required: true, choices: ["zfs_snapshot_prune", "zfs_replicate"])),
        // Checked whole (required options too) only when installing: a removal needs none of them.
        ("options", Option.Dict() with { Options = program.Spec.WithoutRequired() }),
        ("on_calendar", Option.Str(@default: ZfsTimerArguments.Defaults.OnCalendar)),
        ("description", Option.Str()),
        ("state", Option.Choice(ZfsTimerArguments.Defaults.State)),
        ("enabled", Option.Bool(@default: ZfsTimerArguments.Defaults.Enabled)),
        ("root", Option.Path(@default: ZfsTimerArguments.Defaults.Root)));

    /// <summary>The definition that installs <paramref name="program"/>: it serves the tasks whose program option names it.</summary>
    public static ModuleDefinition Definition(TimerProgram program, ICommandRunner runner) =>
        new(ModuleName, Spec(program), context => Execute(context, program, runner, InstalledProgram.Self))
        {
            Serves = args => args["program"] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() == program.Name,
        };

    public static ModuleResult Execute(ModuleContext context, TimerProgram program, ICommandRunner runner, string? self)
    {
        var arguments = ZfsTimerArguments.From(context.Parameters);
        var systemctl = new Systemctl(runner, Systemctl.IsBooted, arguments.Root);
        if (arguments.Program != program.Name)
        {
            return ModuleResult.Fail($"this zfs_timer installs {program.Name}, not {arguments.Program}");
        }

        var declared = TimerDeclaration.Create(arguments.Name, arguments.Program, arguments.OnCalendar, arguments.Description, arguments.Root);
        if (!declared.IsOk)
        {
            return ModuleResult.Fail(declared.Error.Message);
        }

        var timer = declared.Value;
        var options = arguments.Options ?? new JsonObject();
        if (arguments.State == TimerState.Present)
        {
            var complete = ArgumentSpecValidator.Validate(options, program.Spec, $"{ModuleName} options");
            var problem = (complete.IsValid ? program.Check(complete.Parameters!) : new Error(complete.Message)) ?? CheckCalendar(runner, timer.OnCalendar);
            if (problem is not null)
            {
                return ModuleResult.Fail($"options: {problem.Message}");
            }

            if (self is null)
            {
                return ModuleResult.Fail("cannot find this executable's own file to install it (/proc/self/exe)");
            }
        }

        try
        {
            return arguments.State == TimerState.Present
                ? Install(context, timer, options, arguments.Enabled, self!, systemctl)
                : Remove(context, timer, systemctl);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ModuleResult.Fail($"{timer.Name}: cannot write its files: {(exception is UnauthorizedAccessException ? "permission denied (run as root: become: true)" : "I/O error")}");
        }
    }

    private static ModuleResult Install(ModuleContext context, TimerDeclaration timer, JsonObject options, bool enabled, string self, Systemctl systemctl)
    {
        var files = new (string Path, byte[] Content, UnixFileMode Mode)[]
        {
            (timer.OnHost(timer.OptionsPath), Json(options), Private),
            (timer.OnHost(timer.ServicePath), Encoding.UTF8.GetBytes(SystemdUnits.Service(timer)), Readable),
            (timer.OnHost(timer.TimerPath), Encoding.UTF8.GetBytes(SystemdUnits.Timer(timer)), Readable),
        };
        var programPath = timer.OnHost(timer.ProgramPath);
        var states = files.Select(f => HostFiles.Inspect(f.Path, f.Content, f.Mode)).ToList();
        var before = Units(timer, HostFiles.ReadText);
        var programChanges = InstalledProgram.Ensure(self, programPath, context.CheckMode);
        var changedFiles = states.Where(s => s.Changes).Select(s => s.Path).Concat(programChanges ? [programPath] : []).ToList();
        if (!context.CheckMode)
        {
            foreach (var (file, state) in files.Zip(states).Where(f => f.Second.Changes))
            {
                HostFiles.Write(file.Path, file.Content, file.Mode);
            }
        }

        var unitsChanged = states.Skip(1).Any(s => s.Changes);
        var steps = new List<string[]>();
        if (systemctl.Running && unitsChanged)
        {
            steps.Add(["daemon-reload"]);
        }

        var isEnabled = systemctl.IsEnabled(timer.TimerUnit);
        var isActive = systemctl.IsActive(timer.TimerUnit);
        if (enabled && !isEnabled)
        {
            steps.Add(systemctl.Running ? ["enable", "--now", "--", timer.TimerUnit] : ["enable", "--", timer.TimerUnit]);
        }
        else if (enabled && systemctl.Running && (!isActive || unitsChanged))
        {
            // A changed schedule takes effect when the timer restarts.
            steps.Add([isActive ? "restart" : "start", "--", timer.TimerUnit]);
        }
        else if (!enabled && (isEnabled || isActive))
        {
            steps.Add(systemctl.Running ? ["disable", "--now", "--", timer.TimerUnit] : ["disable", "--", timer.TimerUnit]);
        }

        var failure = Apply(steps, systemctl, context.CheckMode);
        var changed = changedFiles.Count > 0 || steps.Count > 0;
        var warnings = systemctl.Running ? ImmutableArray<string>.Empty
            : [$"{(timer.OtherRoot ? $"installed into {timer.Root}, not this host's systemd" : "systemd is not running on this host")}: {timer.TimerUnit} is installed{(enabled ? " and enabled, and starts with systemd" : string.Empty)}"];
        var message = failure ?? $"{timer.TimerUnit} {(changed ? (context.CheckMode ? "would be " : string.Empty) + "installed" : "up to date")}: {timer.Program} on {timer.OnCalendar}{(enabled ? string.Empty : ", disabled")}";
        return Report(new ModuleResult { Changed = changed, Failed = failure is not null, Msg = message, Warnings = warnings }, timer, changedFiles, systemctl,
            before, Units(timer, path => files.FirstOrDefault(f => f.Path == path) is { Content: { } bytes } ? Encoding.UTF8.GetString(bytes) : null));
    }

    private static ModuleResult Remove(ModuleContext context, TimerDeclaration timer, Systemctl systemctl)
    {
        // A template service stays while another instance still has its options.
        var configDirectory = timer.OnHost(TimerDeclaration.ConfigDirectory);
        var siblings = timer.IsInstance && Directory.Exists(configDirectory)
            && Directory.EnumerateFiles(configDirectory, $"{timer.Base}@*.json").Any(f => f != timer.OnHost(timer.OptionsPath));
        var paths = new[] { timer.TimerPath, timer.OptionsPath }.Concat(siblings ? [] : [timer.ServicePath]).Select(timer.OnHost).Where(File.Exists).ToList();
        var steps = new List<string[]>();
        if (systemctl.IsEnabled(timer.TimerUnit) || systemctl.IsActive(timer.TimerUnit))
        {
            steps.Add(systemctl.Running ? ["disable", "--now", "--", timer.TimerUnit] : ["disable", "--", timer.TimerUnit]);
        }

        var before = Units(timer, HostFiles.ReadText);
        var failure = Apply(steps, systemctl, context.CheckMode);
        if (failure is null && !context.CheckMode)
        {
            paths.ForEach(path => HostFiles.Remove(path));
            if (systemctl.Running && paths.Count > 0)
            {
                failure = Apply([["daemon-reload"]], systemctl, checkMode: false);
            }
        }

        var changed = paths.Count > 0 || steps.Count > 0;
        var message = failure ?? (changed ? $"{timer.TimerUnit} {(context.CheckMode ? "would be " : string.Empty)}removed ({timer.ProgramPath} stays for other timers)" : $"{timer.TimerUnit} is not installed");
        return Report(new ModuleResult { Changed = changed, Failed = failure is not null, Msg = message }, timer, paths, systemctl,
            before, Units(timer, path => paths.Contains(path) ? null : HostFiles.ReadText(path)));
    }

    /// <summary>Runs the systemctl steps (listed in check mode, not run); the first failure stops them.</summary>
    private static string? Apply(List<string[]> steps, Systemctl systemctl, bool checkMode) =>
        steps.Select(step => systemctl.Change(checkMode, step)).FirstOrDefault(failure => failure is not null);

    private static ModuleResult Report(ModuleResult result, TimerDeclaration timer, List<string> changedFiles, Systemctl systemctl, JsonObject before, JsonObject after) =>
        (result with { Diff = new ModuleDiff(before, after) })
            .With("timer", timer.TimerUnit)
            .With("service", timer.IsInstance ? $"{timer.Base}@{timer.Name[(timer.Base.Length + 1)..]}.service" : timer.ServiceUnit)
            .With("program_path", timer.OnHost(timer.ProgramPath))
            .With("options_path", timer.OnHost(timer.OptionsPath))
            .With("changed_files", new JsonArray([.. changedFiles.Select(f => (JsonNode?)JsonValue.Create(f))]))
            .With("commands", new JsonArray([.. systemctl.Ran.Select(c => (JsonNode?)JsonValue.Create(c))]))
            .With("systemd_running", systemctl.Running);

    /// <summary>The two unit files' text, for --diff (the options file may name secrets: never shown).</summary>
    private static JsonObject Units(TimerDeclaration timer, Func<string, string?> read) => new()
    {
        [timer.OnHost(timer.ServicePath)] = read(timer.OnHost(timer.ServicePath)),
        [timer.OnHost(timer.TimerPath)] = read(timer.OnHost(timer.TimerPath)),
    };

    /// <summary>Where the host has systemd-analyze, it judges the calendar expression; systemd itself would only log it.</summary>
    private static Error? CheckCalendar(ICommandRunner runner, string expression)
    {
        var result = runner.Run(Command.Of("systemd-analyze", "calendar", "--", expression));
        return result.ExitCode is 0 or 127 ? null : new Error($"on_calendar '{expression}' is not a systemd calendar expression: {result.ErrorSummary}");
    }

    private static byte[] Json(JsonObject options)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            options.WriteTo(writer);
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
