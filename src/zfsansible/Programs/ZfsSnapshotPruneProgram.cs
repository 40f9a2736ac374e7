using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using CommandLine;
using Microsoft.Extensions.Logging;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Snapshots;
using ZfsAnsible.ModuleProtocol.Arguments;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Modules;
using ZfsAnsible.Modules.Timers;
using ZfsAnsible.Modules.ZfsSnapshotPrune;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Executables.ZfsSnapshotPrune;

internal abstract class SelectionOptions
{
    [Option('d', "dataset", HelpText = "Only this dataset and its descendants (repeatable). Default: every imported pool.")]
    public IEnumerable<string> Datasets { get; set; } = [];

    [Option("json", HelpText = "Print the report as JSON (the module's return values).")]
    public bool Json { get; set; }
}

[Verb("run", HelpText = "Take due snapshots and prune expired ones, per the zfsansible: policy on each dataset (the systemd timer's command).")]
internal sealed class RunOptions : SelectionOptions
{
    [Option('n', "dry-run", HelpText = "Plan and report; change nothing.")]
    public bool DryRun { get; set; }

    [Option("no-snapshot", HelpText = "Do not take snapshots.")]
    public bool NoSnapshot { get; set; }

    [Option("no-prune", HelpText = "Do not destroy snapshots.")]
    public bool NoPrune { get; set; }

    [Option("max-destroy", Default = ZfsSnapshotPruneArguments.DefaultMaxDestroy, HelpText = "Refuse the whole run when it would destroy more snapshots than this.")]
    public long MaxDestroy { get; set; }

    [Option("lock-dir", Default = RunLock.DefaultDirectory, HelpText = "Where the host's snapshot lock lives.")]
    public string LockDirectory { get; set; } = RunLock.DefaultDirectory;

    [Option("options-file", HelpText = "Read the module's options from this JSON file (what zfs_timer saves for the snapshot timer); only --json and --dry-run may be given beside it.")]
    public string? OptionsFile { get; set; }

    [Option("lock-timeout", Default = ZfsSnapshotPruneArguments.DefaultLockTimeoutSeconds, HelpText = "Seconds to wait for another snapshot run on this host to finish.")]
    public long LockTimeout { get; set; }

    /// <summary>The module's arguments: one set of names and defaults for both faces.</summary>
    public ZfsSnapshotPruneArguments ToArguments() => new([.. Datasets], !NoSnapshot, !NoPrune, MaxDestroy, LockDirectory, LockTimeout);
}

[Verb("status", HelpText = "Report retention compliance and the newest snapshot's age; changes nothing.")]
internal sealed class StatusOptions : SelectionOptions
{
}

[Verb("probe", HelpText = "Print which ZFS command line this host has and what it supports.")]
internal sealed class ProbeOptions
{
}

internal static class ZfsSnapshotPruneProgram
{
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(SelectionOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(RunOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(StatusOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(ProbeOptions))]
    public static Applet Applet(ICommandRunner runner) => new("zfs_snapshot_prune", () =>
        {
            var timer = new TimerProgram("zfs_snapshot_prune", ZfsSnapshotPruneSpec.Spec,
                parameters => SnapshotRunRequest.Create(ZfsSnapshotPruneArguments.From(parameters), dryRun: false).Error);
            return [ZfsSnapshotPruneModule.Definition(runner, TimeProvider.System), ZfsTimerModule.Definition(timer, runner)];
        },
        args => Cli(args, runner));

    /// <summary>Without an args file the module is the snapshot timer's command: results on stdout, logs on stderr.</summary>
    private static int Cli(string[] args, ICommandRunner runner)
    {
        using var logging = CommandLineFace.StderrLogging();
        var log = logging.CreateLogger("zfs_snapshot_prune");
        return CommandLineFace.Dispatch("zfs_snapshot_prune", args, [typeof(RunOptions), typeof(StatusOptions), typeof(ProbeOptions)], options => options switch
        {
            RunOptions { OptionsFile: { } file } o => CommandLineFace.StandsAlone("zfs_snapshot_prune", args, "--options-file", "--json", "--dry-run", "-n")
                ? Run(runner, log, o, Saved(file).Bind(saved => SnapshotRunRequest.Create(saved, o.DryRun)))
                : 2,
            RunOptions o => Run(runner, log, o, SnapshotRunRequest.Create(o.ToArguments(), o.DryRun)),
            StatusOptions o => Run(runner, log, o, SnapshotRunRequest.Create(new([.. o.Datasets], Snapshot: false, Prune: false, MaxDestroy: 0), dryRun: true)),
            _ => Probe(runner),
        });
    }

    /// <summary>The options zfs_timer saved for the snapshot timer, checked by the module's own spec.</summary>
    private static Result<ZfsSnapshotPruneArguments> Saved(string path)
    {
        var (saved, error) = OptionsFile.Read(path, ZfsSnapshotPruneSpec.Spec, "zfs_snapshot_prune");
        return saved is null ? Result<ZfsSnapshotPruneArguments>.Fail(error!) : ZfsSnapshotPruneArguments.From(saved);
    }

    private static int Run(ICommandRunner runner, ILogger log, SelectionOptions selection, Result<SnapshotRunRequest> request)
    {
        if (!request.IsOk)
        {
            log.LogError("{Reason}", request.Error.Message);
            return 2;
        }

        var outcome = SnapshotRun.Execute(new ZfsSession(runner), request.Value, TimeProvider.System);
        if (!outcome.IsOk)
        {
            log.LogError("{Reason}", outcome.Error.Message);
            return 1;
        }

        var run = outcome.Value;
        foreach (var warning in run.Warnings)
        {
            log.LogWarning("{Warning}", warning);
        }

        if (selection.Json)
        {
            Console.Out.WriteLine(run.Report().ToJsonString());
        }
        else
        {
            Print(run);
        }

        if (run.Applied.Failed)
        {
            log.LogError("{Reason}", run.Applied.Failure.Message);
            return 1;
        }

        if (log.IsEnabled(LogLevel.Information))
        {
            log.LogInformation("{Summary}", run.Summary());
        }

        return 0;
    }

    /// <summary>One line per snapshot: buffered, as Console.Out would write (and flush) each of 100,000 lines on its own.</summary>
    private static void Print(SnapshotRunOutcome run)
    {
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        foreach (var taken in run.Plan.Take)
        {
            stdout.WriteLine($"{(run.DryRun ? "would take" : "took")} {taken.FullName}");
        }

        // The parts straight into the buffer: no string per line for a prune of 100,000 snapshots.
        var destroyVerb = run.DryRun ? "would destroy " : "destroyed ";
        foreach (var destroyed in run.Plan.Destroy)
        {
            stdout.Write(destroyVerb);
            stdout.Write(destroyed.Dataset);
            stdout.Write('@');
            stdout.WriteLine(destroyed.Name);
        }

        foreach (var c in run.Plan.Compliance)
        {
            var age = c.NewestAge is { } a ? a.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture) : "none";
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Dataset}\t{c.Policy}\t{c.Interval.YamlName()}\t{c.Retained}/{c.Target}\t{c.Ratio:0.00}\tnewest {age}"));
        }
    }

    private static int Probe(ICommandRunner runner)
    {
        Console.Out.WriteLine(CapabilityProbe.Probe(runner).Implementation);
        return 0;
    }
}
