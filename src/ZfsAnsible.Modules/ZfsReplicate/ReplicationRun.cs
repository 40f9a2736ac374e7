using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Replication;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.ZfsReplicate;

/// <summary>What happened to one dataset: its action (full, incremental, resumed, up_to_date, no_snapshot) and the transfer.</summary>
/// <param name="Before">The target's newest snapshot before the run, or null when the target did not exist.</param>
public sealed record DatasetReplication(string Source, string Target, string Action, string? Before, string? Newest, long Bytes, TimeSpan Duration, bool Changed);

/// <summary>A whole run: every dataset handled before a failure or an interruption stopped it, and what ran.</summary>
public sealed record ReplicationOutcome(
    ImmutableArray<DatasetReplication> Datasets,
    ImmutableArray<string> Commands,
    ImmutableArray<string> Warnings,
    string? Failure,
    bool CheckMode)
{
    public bool Changed => Datasets.Any(d => d.Changed);

    public string Summary()
    {
        if (Failure is not null)
        {
            return Failure;
        }

        var transferred = Datasets.Where(d => d.Changed).ToList();
        var bytes = transferred.Sum(d => d.Bytes);
        return transferred.Count == 0
            ? $"{Datasets.Length} dataset{(Datasets.Length == 1 ? string.Empty : "s")} up to date"
            : string.Create(CultureInfo.InvariantCulture,
                $"{(CheckMode ? "would replicate" : "replicated")} {transferred.Count} of {Datasets.Length} datasets{(CheckMode ? string.Empty : $", {bytes} bytes in {transferred.Sum(d => d.Duration.TotalSeconds):0.0} s")}");
    }

    /// <summary>Each changed target's newest snapshot before and after: what --diff shows.</summary>
    public (JsonObject Before, JsonObject After) Diff() => (
        new JsonObject([.. Datasets.Where(d => d.Changed).Select(d => KeyValuePair.Create(d.Target, (JsonNode?)JsonValue.Create(d.Before ?? "(absent)")))]),
        new JsonObject([.. Datasets.Where(d => d.Changed).Select(d => KeyValuePair.Create(d.Target, (JsonNode?)JsonValue.Create(d.Newest)))]));

    public JsonObject Report() => new()
    {
        ["datasets"] = new JsonArray([.. Datasets.Select(d => (JsonNode?)new JsonObject
        {
            ["source"] = d.Source,
            ["target"] = d.Target,
            ["action"] = d.Action,
            ["newest"] = d.Newest,
            ["bytes"] = d.Bytes,
            ["seconds"] = Math.Round(d.Duration.TotalSeconds, 3),
        })]),
        ["bytes"] = Datasets.Sum(d => d.Bytes),
        ["commands"] = new JsonArray([.. Commands.Select(c => (JsonNode?)JsonValue.Create(c))]),
    };
}

/// <summary>
/// zfs_replicate's work, shared by the module and the timer's command: lock the remote host, choose the datasets,
/// and bring each target up to its source one planned step at a time (<see cref="ReplicationPlanner"/>).
/// </summary>
public sealed class ReplicationRun(ICommandRunner local, IPipeRunner pipe, TimeProvider clock)
{
    /// <summary>A full send, then the incremental rest, or a resume and then the rest: never more steps than this.</summary>
    private const int MaxStepsPerDataset = 4;

    public ReplicationOutcome Execute(ReplicationRequest request, bool checkMode, CancellationToken cancellation)
    {
        var remote = request.Remote is null ? null : new SshCommandRunner(local, request.Remote);
        var (sourceRunner, targetRunner) = request.Direction == Direction.Pull ? (remote ?? local, local) : (local, remote ?? local);
        var source = new Side(sourceRunner, request.Direction == Direction.Pull ? request.Remote : null);
        var target = new Side(targetRunner, request.Direction == Direction.Push ? request.Remote : null);

        HostLock? hostLock = null;
        if (!checkMode)
        {
            var acquired = HostLock.Acquire(request.LockDirectory, request.LockName);
            if (!acquired.IsOk)
            {
                return Failed(acquired.Error!.Message, checkMode);
            }

            hostLock = acquired.Value;
        }

        using (hostLock)
        {
            var state = new RunState(checkMode);
            if (hostLock?.Warning is { } warning)
            {
                state.Warnings.Add(warning);
            }

            var datasets = request.Datasets.IsEmpty ? Discover(source) : Result.Ok(request.Datasets);
            if (!datasets.IsOk)
            {
                return state.Outcome(datasets.Error!.Message);
            }

            foreach (var dataset in datasets.Value)
            {
                var done = Replicate(dataset, request, source, target, state, cancellation);
                if (!done.IsOk)
                {
                    return state.Outcome(done.Error!.Message);
                }

                state.Datasets.Add(done.Value);
            }

            return state.Outcome(null);
        }
    }

    private static Result<ImmutableArray<string>> Discover(Side source) =>
        source.Zfs.ImportedPools().Bind(pools => source.Zfs.MarkedForReplication(pools));

    private Result<DatasetReplication> Replicate(string dataset, ReplicationRequest request, Side source, Side target, RunState state, CancellationToken cancellation)
    {
        var destination = ReplicationPlanner.TargetFor(request.TargetRoot, dataset);
        var actions = new List<string>();
        var bytes = 0L;
        var duration = TimeSpan.Zero;
        string? before = null;
        for (var step = 0; step < MaxStepsPerDataset; step++)
        {
            var snapshots = source.Zfs.Snapshots(dataset);
            var targetState = snapshots.IsOk ? target.Zfs.Target(destination) : Result<TargetState>.Fail(snapshots.Error!);
            if (!targetState.IsOk)
            {
                return targetState.Error!;
            }

            if (step == 0)
            {
                before = targetState.Value.Snapshots.MaxBy(s => s.CreateTxg)?.Name;
            }

            var next = ReplicationPlanner.Next(dataset, destination, [.. snapshots.Value.Select(s => s.Snapshot)], targetState.Value, request.Resume);
            if (!next.IsOk)
            {
                return next.Error!;
            }

            if (next.Value is NothingToSend)
            {
                state.Warnings.Add(next.Value.Describe(dataset, destination));
                return Result.Ok(new DatasetReplication(dataset, destination, "no_snapshot", before, null, 0, TimeSpan.Zero, false));
            }

            if (next.Value is UpToDate upToDate)
            {
                var marked = request.Hold && !state.CheckMode ? KeepBase(dataset, upToDate.Newest, snapshots.Value, source, state) : Result.Ok(false);
                if (!marked.IsOk)
                {
                    return marked.Error!;
                }

                if (actions.Count > 0 && !state.CheckMode)
                {
                    var recorded = RecordSuccess(destination, bytes, duration, target, state);
                    if (!recorded.IsOk)
                    {
                        return recorded.Error!;
                    }
                }

                return Result.Ok(new DatasetReplication(dataset, destination, actions.Count == 0 ? "up_to_date" : string.Join('+', actions), before, upToDate.Newest.Name, bytes, duration, actions.Count > 0 || marked.Value));
            }

            var send = ZfsReplicas.Send(next.Value, dataset, request.Raw);
            var receive = target.Zfs.Receive(destination);
            var line = $"{source.Display(send)} | {target.Display(receive)}";
            actions.Add(next.Value switch { FullSend => "full", IncrementalSend => "incremental", _ => "resumed" });
            if (state.CheckMode)
            {
                state.Commands.Add(line);
                var newest = snapshots.Value.MaxBy(s => s.Snapshot.CreateTxg)!.Snapshot.Name;
                return Result.Ok(new DatasetReplication(dataset, destination, actions[0], before, newest, 0, TimeSpan.Zero, true));
            }

            if (next.Value is FullSend && ParentOf(destination) is { } parent)
            {
                var created = target.Run(Command.Of("zfs", "create", "-p", parent), state);
                if (!created.IsOk)
                {
                    return created.Error!;
                }
            }

            state.Commands.Add(line);
            var transfer = pipe.Run(source.Wrap(send), target.Wrap(receive), request.BytesPerSecond, cancellation);
            bytes += transfer.Bytes;
            duration += transfer.Duration;
            if (!transfer.Succeeded)
            {
                var resumable = target.Zfs.Capabilities.ResumableReceive && request.Resume ? " The next run resumes it." : string.Empty;
                return Result<DatasetReplication>.Fail(transfer.Cancelled
                    ? $"{dataset} to {destination}: interrupted after {transfer.Bytes} bytes; the lock was released.{resumable}"
                    : $"{dataset} to {destination}: {transfer.ErrorSummary}");
            }

            if (next.Value is not IncrementalSend)
            {
                // A received dataset is a copy: read-only, and never mounted by itself over a live path (DESIGN §6.3).
                foreach (var property in new[] { "readonly=on", "canmount=noauto" })
                {
                    var set = target.Run(Command.Of("zfs", "set", property, destination), state);
                    if (!set.IsOk)
                    {
                        return set.Error!;
                    }
                }
            }
        }

        return Result<DatasetReplication>.Fail($"{dataset} to {destination}: not up to date after {MaxStepsPerDataset} transfers; run again");
    }

    /// <summary>
    /// Holds and marks the snapshot the target now has, so prune keeps it as the next base, and lets go of the
    /// previous base. Returns whether anything changed.
    /// </summary>
    private static Result<bool> KeepBase(string dataset, ReplicaSnapshot newest, ImmutableArray<MarkedSnapshot> snapshots, Side source, RunState state)
    {
        var current = snapshots.First(s => s.Snapshot.Guid == newest.Guid);
        var stale = snapshots.Where(s => s.Marked && s.Snapshot.Guid != newest.Guid).ToList();
        if (current.Marked && stale.Count == 0)
        {
            return Result.Ok(false);
        }

        var full = $"{dataset}@{newest.Name}";
        var commands = new List<Command>();
        if (!current.Marked)
        {
            commands.Add(Command.Of("zfs", "hold", ZfsReplicas.HoldTag, full));
            commands.Add(Command.Of("zfs", "set", $"{ZfsSnapshots.ReplicatedProperty}=on", full));
        }

        foreach (var old in stale)
        {
            commands.Add(Command.Of("zfs", "inherit", ZfsSnapshots.ReplicatedProperty, $"{dataset}@{old.Snapshot.Name}"));
        }

        foreach (var command in commands)
        {
            var ran = source.Run(command, state);
            if (!ran.IsOk)
            {
                return ran.Error!;
            }
        }

        // A hold someone released by hand is no error: the mark is gone either way.
        foreach (var old in stale)
        {
            var release = Command.Of("zfs", "release", ZfsReplicas.HoldTag, $"{dataset}@{old.Snapshot.Name}");
            state.Commands.Add(source.Display(release));
            source.Runner.Run(release);
        }

        return Result.Ok(true);
    }

    /// <summary>Last success, duration and bytes as user properties on the target: what the metrics read (DESIGN §7).</summary>
    private Result<bool> RecordSuccess(string destination, long bytes, TimeSpan duration, Side target, RunState state)
    {
        string[] properties =
        [
            string.Create(CultureInfo.InvariantCulture, $"zfsansible:last_success={clock.GetUtcNow().ToUnixTimeSeconds()}"),
            string.Create(CultureInfo.InvariantCulture, $"zfsansible:last_duration_ms={(long)duration.TotalMilliseconds}"),
            string.Create(CultureInfo.InvariantCulture, $"zfsansible:last_bytes={bytes}"),
        ];
        foreach (var property in properties)
        {
            var set = target.Run(Command.Of("zfs", "set", property, destination), state);
            if (!set.IsOk)
            {
                return set.Error!;
            }
        }

        return Result.Ok(true);
    }

    private static string? ParentOf(string dataset) => dataset.LastIndexOf('/') is var slash and > 0 ? dataset[..slash] : null;

    private static ReplicationOutcome Failed(string message, bool checkMode) => new([], [], [], message, checkMode);

    /// <summary>One end of the transfer: its runner (local or ssh) and, when remote, the endpoint that wraps the pipe's half.</summary>
    private sealed class Side(ICommandRunner runner, SshEndpoint? remote)
    {
        public ICommandRunner Runner => runner;

        public ZfsReplicas Zfs { get; } = new(runner, CapabilityProbe.Probe(runner));

        public Command Wrap(Command command) => remote?.Wrap(command) ?? command;

        /// <summary>For reports: where it runs and what, without the key path or ssh options (they may be secrets).</summary>
        public string Display(Command command) => remote is null ? command.ToString() : $"ssh {remote.User}@{remote.Host} {command}";

        public Result<CommandResult> Run(Command command, RunState state)
        {
            state.Commands.Add(Display(command));
            return Zfs.Run(command);
        }
    }

    private sealed class RunState(bool checkMode)
    {
        public bool CheckMode => checkMode;

        public List<DatasetReplication> Datasets { get; } = [];

        public List<string> Commands { get; } = [];

        public List<string> Warnings { get; } = [];

        public ReplicationOutcome Outcome(string? failure) => new([.. Datasets], [.. Commands], [.. Warnings], failure, checkMode);
    }
}
