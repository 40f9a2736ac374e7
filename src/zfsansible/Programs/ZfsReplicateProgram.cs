using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using CommandLine;
using Microsoft.Extensions.Logging;
using ZfsAnsible.ModuleProtocol.Arguments;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Modules;
using ZfsAnsible.Modules.Access;
using ZfsAnsible.Modules.Timers;
using ZfsAnsible.Modules.ZfsReplicate;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Executables.ZfsReplicate;

[Verb("run", HelpText = "Replicate datasets (send | ssh | recv), the backup timer's command. Same options as the module.")]
internal sealed class RunOptions
{
    [Option('t', "target-root", HelpText = "Dataset under which each source dataset is received by its full name (required without --options-file).")]
    public string TargetRoot { get; set; } = string.Empty;

    [Option('d', "dataset", HelpText = "Source dataset (repeatable). Default: every dataset with zfsansible:replicate=on on the source.")]
    public IEnumerable<string> Datasets { get; set; } = [];

    [Option("source-root", HelpText = "Without --dataset: discover below these datasets only (repeatable). Default: every imported pool of the source.")]
    public IEnumerable<string> SourceRoots { get; set; } = [];

    [Option("direction", HelpText = "pull (the default): this host receives from --remote-host; push: this host sends to it.")]
    public Direction Direction { get; set; } = Direction.Pull;

    [Option('H', "remote-host", HelpText = "The other host (ssh). Without it, both ends are on this host.")]
    public string? RemoteHost { get; set; }

    [Option("remote-user", Default = ZfsReplicateArguments.DefaultRemoteUser)]
    public string RemoteUser { get; set; } = ZfsReplicateArguments.DefaultRemoteUser;

    [Option("remote-port", Default = ZfsReplicateArguments.DefaultRemotePort)]
    public long RemotePort { get; set; }

    [Option("ssh-key", HelpText = "Private key for ssh (absolute path).")]
    public string? SshKey { get; set; }

    [Option("ssh-option", HelpText = "Extra ssh -o Key=value (repeatable).")]
    public IEnumerable<string> SshOptions { get; set; } = [];

    [Option('l', "bandwidth-limit", HelpText = "Bytes per second, e.g. 3M; 0 or absent: no limit.")]
    public string? BandwidthLimit { get; set; }

    [Option("raw", HelpText = "Raw sends (zfs send -w): encrypted datasets travel and land encrypted.")]
    public bool Raw { get; set; }

    [Option("no-resume", HelpText = "Do not resume interrupted transfers (fail instead).")]
    public bool NoResume { get; set; }

    [Option("no-hold", HelpText = "Do not hold and mark the replicated base snapshot on the source.")]
    public bool NoHold { get; set; }

    [Option("allow-empty", HelpText = "Finding no dataset to replicate only warns (default: the run fails).")]
    public bool AllowEmpty { get; set; }

    [Option("lock-dir", Default = RunLock.DefaultDirectory)]
    public string LockDirectory { get; set; } = RunLock.DefaultDirectory;

    [Option("options-file", HelpText = "Read the module's options from this JSON file (what zfs_timer saves for a pull or push timer); only --json and --dry-run may be given beside it.")]
    public string? OptionsFile { get; set; }

    [Option('n', "dry-run", HelpText = "Plan and report; transfer nothing.")]
    public bool DryRun { get; set; }

    [Option("json", HelpText = "Print the report as JSON (the module's return values).")]
    public bool Json { get; set; }

    /// <summary>The module's arguments: one set of names and defaults for both faces.</summary>
    public ZfsReplicateArguments ToArguments() => new(
        [.. Datasets], [.. SourceRoots], TargetRoot, Direction, RemoteHost, RemoteUser, RemotePort, SshKey, [.. SshOptions], BandwidthLimit, Raw, !NoResume, !NoHold, LockDirectory, AllowEmpty: AllowEmpty);
}

[Verb("serve", HelpText = "The source side of a pull, as the backup server key's ssh forced command: runs the command the pull asked for (SSH_ORIGINAL_COMMAND) only if it lists, sends, holds or marks a dataset at or below an --allow root; refuses anything else.")]
internal sealed class ServeOptions
{
    [Option("allow", Required = true, HelpText = "A dataset the pull may read and send, with everything below it (repeatable).")]
    public IEnumerable<string> Allow { get; set; } = [];
}

[Verb("probe", HelpText = "Print which ZFS command line this host has and what it supports.")]
internal sealed class ProbeOptions
{
}

internal static class ZfsReplicateProgram
{
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(RunOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(ServeOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(ProbeOptions))]
    public static Applet Applet(ICommandRunner runner) => new("zfs_replicate", () =>
        {
            var timer = new TimerProgram("zfs_replicate", ZfsReplicateSpec.Spec, parameters => ReplicationRequest.Create(ZfsReplicateArguments.From(parameters)).Error);
            return [ZfsReplicateModule.Definition(runner, new ProcessPipe(), TimeProvider.System), ZfsTimerModule.Definition(timer, runner),
                ZfsPullKeyModule.Definition(runner), ZfsPullSourceModule.Definition()];
        },
        args => Cli(args, runner));

    private static int Cli(string[] args, ICommandRunner runner)
    {
        using var logging = CommandLineFace.StderrLogging();
        var log = logging.CreateLogger("zfs_replicate");
        return CommandLineFace.Dispatch("zfs_replicate", args, [typeof(RunOptions), typeof(ServeOptions), typeof(ProbeOptions)], options => options switch
        {
            RunOptions { OptionsFile: { } file } o => CommandLineFace.StandsAlone("zfs_replicate", args, "--options-file", "--json", "--dry-run", "-n")
                ? RunSaved(o, file, runner, log)
                : 2,
            RunOptions { TargetRoot.Length: 0 } => MissingTargetRoot(),
            RunOptions o => Run(o, o.ToArguments(), runner, log),
            ServeOptions o => Serve(o, runner, log),
            _ => Probe(runner),
        });
    }

    /// <summary>A run with the options zfs_timer saved for a pull or push timer, checked by the module's own spec.</summary>
    private static int RunSaved(RunOptions o, string path, ICommandRunner runner, ILogger log)
    {
        var (saved, error) = OptionsFile.Read(path, ZfsReplicateSpec.Spec, "zfs_replicate");
        if (saved is null)
        {
            log.LogError("{Reason}", error);
            return 2;
        }

        return Run(o, ZfsReplicateArguments.From(saved), runner, log);
    }

    private static int MissingTargetRoot()
    {
        Console.Error.WriteLine("usage: zfs_replicate run --target-root DATASET [OPTIONS] | --options-file FILE   (--target-root is required)");
        return 2;
    }

    private static int Run(RunOptions o, ZfsReplicateArguments arguments, ICommandRunner runner, ILogger log)
    {
        var request = ReplicationRequest.Create(arguments);
        if (!request.IsOk)
        {
            log.LogError("{Reason}", request.Error.Message);
            return 2;
        }

        using var interruption = new SignalInterruption();
        var outcome = new ReplicationRun(runner, new ProcessPipe(), TimeProvider.System, Environment.MachineName).Execute(request.Value, o.DryRun, interruption.Token);
        foreach (var warning in outcome.Warnings)
        {
            log.LogWarning("{Warning}", warning);
        }

        if (o.Json)
        {
            Console.Out.WriteLine(outcome.Report().ToJsonString());
        }
        else
        {
            foreach (var dataset in outcome.Datasets)
            {
                Console.Out.WriteLine(dataset.Action == "refused"
                    ? $"{dataset.Source} -> {dataset.Target}: refused, left alone (see the error below)"
                    : $"{dataset.Source} -> {dataset.Target}: {dataset.Action} ({dataset.Newest ?? "no snapshot"}, {dataset.Bytes} bytes)");
            }
        }

        if (interruption.Signal is { } signal)
        {
            log.LogError("interrupted by {Signal}: {Reason}", signal, outcome.Summary());
            return 128 + signal switch { PosixSignal.SIGHUP => 1, PosixSignal.SIGINT => 2, _ => 15 };
        }

        if (outcome.Failure is not null)
        {
            log.LogError("{Reason}", outcome.Failure);
            return 1;
        }

        if (log.IsEnabled(LogLevel.Information))
        {
            log.LogInformation("{Summary}", outcome.Summary());
        }

        return 0;
    }

    private static int Serve(ServeOptions o, ICommandRunner runner, ILogger log)
    {
        var roots = ReplicationServer.CheckRoots([.. o.Allow], "--allow");
        if (!roots.IsOk)
        {
            log.LogError("{Reason}", roots.Error.Message);
            return 2;
        }

        var server = new ReplicationServer(runner, ProcessCommandRunner.RunAttached, (severity, message) => SystemLog.Write("zfs_replicate-serve", severity, message));
        return server.Serve(Environment.GetEnvironmentVariable("SSH_ORIGINAL_COMMAND"), roots.Value);
    }

    private static int Probe(ICommandRunner runner)
    {
        Console.Out.WriteLine(CapabilityProbe.Probe(runner).Implementation);
        return 0;
    }
}
