using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;
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
    /// <summary>The ZFS of this host and of the other one, as probed (null when the run stopped before the probe).</summary>
    public (string? Here, string? There) ZfsImplementations { get; init; }

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
        ["zfs_implementation"] = ZfsImplementations.Here,
        ["remote_zfs_implementation"] = ZfsImplementations.There,
    };
}

/// <summary>
/// zfs_replicate's work, shared by the module and the timer's command: lock the source host, choose the datasets,
/// observe both sides of every dataset and plan it whole (<see cref="ReplicationPlanner.Plan"/>), then apply the plans
/// in order. Check mode is the same run without applying: it lists exactly the commands a real run issues. A refused
/// dataset has no action, so its target receives no command; the others still go ahead, and the run fails at the end.
/// </summary>
/// <param name="localHost">This host's name: in pull mode, the receiving host of the target id the base is marked with.</param>
public sealed class ReplicationRun(ICommandRunner local, IPipeRunner pipe, TimeProvider clock, string localHost)
{
    public ReplicationOutcome Execute(ReplicationRequest request, bool checkMode, CancellationToken cancellation)
    {
        // One connection for the run's every command to the other host, closed when the run ends, or a few seconds
        // after it is told to stop: a command still waiting on the other host then ends with it.
        using var master = request.Remote is null ? null : SshMaster.Open(local, request.Remote, cancellation);
        if (master?.Failure is { } unreachable)
        {
            return new RunState(checkMode).Outcome(unreachable);
        }

        var remote = master is null ? null : new SshCommandRunner(local, master.Endpoint);
        // Both hosts are probed while the lock is taken (runners may be called from several threads): each probe costs
        // a round trip. GetResult, not Result: an exception comes out as itself, not wrapped in an AggregateException.
        var thereProbed = remote is null ? null : Task.Run(() => CapabilityProbe.Probe(remote));
        var hereProbed = Task.Run(() => CapabilityProbe.Probe(local));
        var acquired = checkMode
            ? Result.Ok<RunLock?>(null)
            : RunLock.Acquire(request.LockDirectory, $"replicate-{request.LockName}", $"replication from {request.LockName}", cancellation: cancellation).Map(held => (RunLock?)held);
        // Owned before the probes are awaited: a probe that throws still lets go of the lock.
        using var runLock = acquired.IsOk ? acquired.Value : null;
        var here = new Side(local, null, hereProbed.GetAwaiter().GetResult());
        var there = remote is null ? here : new Side(remote, remote.Endpoint, thereProbed!.GetAwaiter().GetResult());
        var (source, target) = request.Direction == Direction.Pull ? (there, here) : (here, there);
        var options = new ReplicationOptions(
            ReplicationMark.TargetId(request.Direction == Direction.Push && request.Remote is { } r ? r.Host : localHost, request.TargetRoot), request.Hold, request.Resume,
            ProtectOnReceive: target.Zfs.Capabilities.ReceiveProperties);
        var state = new RunState(checkMode) { ZfsImplementations = (here.Zfs.Capabilities.Implementation, remote is null ? null : there.Zfs.Capabilities.Implementation) };
        if (!acquired.IsOk)
        {
            return state.Outcome(acquired.Error.Message);
        }

        if (runLock?.Warning is { } warning)
        {
            state.Warnings.Add(warning);
        }

        var datasets = request.Datasets.IsEmpty ? Discover(source, request.SourceRoots) : Result.Ok(request.Datasets);
        if (!datasets.IsOk)
        {
            return state.Outcome(datasets.Error.Message);
        }

        if (datasets.Value.IsEmpty)
        {
            // A configured replication that sends nothing must not look like a healthy one.
            var nothing = $"found no dataset to replicate {(request.SourceRoots.IsEmpty ? "in any pool" : $"below {string.Join(", ", request.SourceRoots)}")}"
                + $"{(request.Remote is { } other && request.Direction == Direction.Pull ? $" of {other.Host}" : string.Empty)}: no dataset there has a policy with replicate: true"
                + (request.AllowEmpty ? string.Empty : " (set allow_empty: true if nothing is expected)");
            if (!request.AllowEmpty)
            {
                return state.Outcome(nothing);
            }

            state.Warnings.Add(nothing);
        }

        var plans = new List<DatasetPlan>();
        foreach (var dataset in datasets.Value.Order(StringComparer.Ordinal))
        {
            var plan = Observe(dataset, request, options, source, target, plans);
            if (!plan.IsOk)
            {
                return state.Outcome(plan.Error.Message);
            }

            plans.Add(plan.Value);
        }

        // Parents first (the order above): a child received before its parent would leave the parent's target an
        // empty dataset this replication did not create, and the parent could never be received.
        foreach (var plan in plans)
        {
            if (plan.Warning is { } notice)
            {
                state.Warnings.Add(notice);
            }

            var applied = Apply(plan, request, source, target, state, cancellation);
            if (!applied.IsOk)
            {
                return state.Outcome(applied.Error.Message);
            }

            state.Datasets.Add(applied.Value);
        }

        return state.Outcome(null);
    }

    private static Result<ImmutableArray<string>> Discover(Side source, ImmutableArray<string> roots) =>
        (roots.IsEmpty ? source.Zfs.ImportedPools() : Result.Ok(roots)).Bind(where => source.Zfs.MarkedForReplication(where));

    /// <summary>Reads both sides of one dataset and plans it; a target name ZFS would refuse, or a dataset below a refused one, is refused unread.</summary>
    private static Result<DatasetPlan> Observe(string dataset, ReplicationRequest request, ReplicationOptions options, Side source, Side target, List<DatasetPlan> planned)
    {
        var destination = ReplicationPlanner.TargetFor(request.TargetRoot, dataset);
        if (ZfsNames.CheckDatasetName(destination) is { } invalid)
        {
            return Result.Ok(DatasetPlan.Refuse(dataset, destination, $"{dataset} to {destination}: {invalid.Message} (choose a shorter target_root)"));
        }

        if (planned.FirstOrDefault(p => p.Refused && dataset.StartsWith(p.Source + "/", StringComparison.Ordinal)) is { } refusedParent)
        {
            return Result.Ok(DatasetPlan.Refuse(dataset, destination, $"{dataset} is left alone because its parent {refusedParent.Source} was refused"));
        }

        var sourceRead = Task.Run(() => source.Zfs.Source(dataset));
        var targetState = target.Zfs.Target(destination);
        var sourceState = sourceRead.GetAwaiter().GetResult();
        var found = sourceState.IsOk ? targetState : Result<TargetState>.Fail(sourceState.Error);
        if (found is { IsOk: true, Value.ResumeToken: { } token } && request.Resume)
        {
            var resumed = source.Zfs.ResumedSnapshot(token);
            found = resumed.IsOk ? Result.Ok(found.Value with { ResumeToGuid = resumed.Value.Guid }) : Result<TargetState>.Fail(resumed.Error);
        }

        // Plans are applied in this order and a failure stops the run: a parent's replica planned to exist is there.
        var parentTarget = destination[..destination.LastIndexOf('/')];
        var parentPlanned = planned.Any(p => p.Target == parentTarget && !p.Refused && p.Newest is not null);
        return found.Map(state => ReplicationPlanner.Plan(dataset, destination, sourceState.Value.Snapshots, state with { ParentExists = parentPlanned }, options,
            sourceState.Value.Label?.WithOverrides(request.ReplicaRetention)));
    }

    private Result<DatasetReplication> Apply(DatasetPlan plan, ReplicationRequest request, Side source, Side target, RunState state, CancellationToken cancellation)
    {
        if (plan.Refused)
        {
            state.Refusals.Add(plan.Refusal!);
            return Result.Ok(new DatasetReplication(plan.Source, plan.Target, plan.Action, plan.Before, null, 0, TimeSpan.Zero, false));
        }

        var bytes = 0L;
        var duration = TimeSpan.Zero;
        foreach (var stage in plan.Stages())
        {
            if (cancellation.IsCancellationRequested)
            {
                return Result<DatasetReplication>.Fail($"{plan.Source} to {plan.Target}: interrupted; the lock was released");
            }

            var record = new SuccessRecord(clock.GetUtcNow(), bytes, duration);
            if (stage.Lanes[0] is [.., Transfer transfer] lane)
            {
                var moved = Move([.. lane.Items[..^1]], transfer, new Stage([.. stage.Lanes.Skip(1)]), record, request, source, target, state, cancellation);
                if (!moved.IsOk)
                {
                    return moved.Error;
                }

                bytes += moved.Value.Bytes;
                duration += moved.Value.Duration;
                continue;
            }

            var written = WriteLanes(stage, record, source, target, state);
            if (!written.IsOk)
            {
                return written.Error;
            }
        }

        return Result.Ok(new DatasetReplication(plan.Source, plan.Target, plan.Action, plan.Before, plan.Newest, bytes, duration, !plan.Actions.IsEmpty));
    }

    /// <summary>
    /// A stage's writes: one lane in this thread, several side by side (each costs a transaction group's sync, and
    /// the lanes' syncs overlap). Commands and warnings are listed lane by lane, in plan order, whatever finished first.
    /// </summary>
    private static Result<bool> WriteLanes(Stage stage, SuccessRecord record, Side source, Side target, RunState state)
    {
        if (stage.Lanes is [var only])
        {
            return WriteLane(only, record, source, target, state);
        }

        var lanes = stage.Lanes.Select(lane => (Lane: lane, State: state.ForLane())).ToList();
        var results = Task.WhenAll(lanes.Select(l => Task.Run(() => WriteLane(l.Lane, record, source, target, l.State)))).GetAwaiter().GetResult();
        lanes.ForEach(l => state.Merge(l.State));
        return results.FirstOrDefault(r => !r.IsOk, Result.Ok(true));
    }

    private static Result<bool> WriteLane(IEnumerable<ReplicationAction> lane, SuccessRecord record, Side source, Side target, RunState state)
    {
        foreach (var action in lane)
        {
            var side = action.Side == ReplicationSide.Source ? source : target;
            if (WriteAction(ReplicationCommands.For(action, record, side.Zfs.Capabilities.MultiPropertySet), side, state) is { IsOk: false } failed)
            {
                return failed.Error;
            }
        }

        return true;
    }

    /// <summary>
    /// One action's writes. Several are one property each (zfs-fuse sets one per command) and independent: they run
    /// side by side, as the lanes of a stage do, listed in order; the first failure in that order is the reason.
    /// </summary>
    private static Result<bool> WriteAction(ImmutableArray<ZfsWrite> writes, Side side, RunState state)
    {
        if (writes is [var only])
        {
            return side.Write(only, state);
        }

        var each = writes.Select(write => (Write: write, State: state.ForLane())).ToList();
        var results = Task.WhenAll(each.Select(w => Task.Run(() => side.Write(w.Write, w.State)))).GetAwaiter().GetResult();
        each.ForEach(w => state.Merge(w.State));
        return results.FirstOrDefault(r => !r.IsOk, Result.Ok(true));
    }

    /// <summary>
    /// One send | recv pipe, listed after what its receive needs first (<paramref name="preparing"/>: the target's
    /// parents, its protection) and, unless in check mode, run. The preparations are written while both commands start
    /// (starting a zfs process costs about what a small write does, so the two overlap); once they are done, the stream
    /// flows and the stage's other lanes (<paramref name="beside"/>: the hold and mark of what it delivers) are written
    /// on another thread, listed after it as planned. A failed preparation stops both commands before any byte moves,
    /// and nothing beside starts: nothing is held for a target whose parents could not be made. When the transfer and
    /// what ran beside it both fail, the transfer's failure is reported: it is the cause.
    /// </summary>
    private Result<(long Bytes, TimeSpan Duration)> Move(ImmutableArray<ReplicationAction> preparing, Transfer transfer, Stage beside, SuccessRecord record,
        ReplicationRequest request, Side source, Side target, RunState state, CancellationToken cancellation)
    {
        var send = ZfsReplicas.Send(transfer.Step, transfer.Source, request.Raw);
        var receive = target.Zfs.Receive(transfer);
        var (preparations, besideState) = (state.ForLane(), state.ForLane());
        var ready = Result.Ok(true);
        Task<Result<bool>>? written = null;
        bool Prepare()
        {
            ready = WriteLane(preparing, record, source, target, preparations);
            if (ready.IsOk && !beside.Lanes.IsEmpty)
            {
                written = Task.Run(() => WriteLanes(beside, record, source, target, besideState));
            }

            return ready.IsOk;
        }

        PipeResult? result = null;
        Result<bool> wrote;
        try
        {
            if (state.CheckMode)
            {
                Prepare();
            }
            else
            {
                result = pipe.Run(source.Wrap(send), target.Wrap(receive), request.BytesPerSecond, cancellation, Prepare);
            }
        }
        finally
        {
            // Never left running: the ssh connection it may use closes when the run ends.
            wrote = written?.GetAwaiter().GetResult() ?? Result.Ok(true);
        }

        state.Merge(preparations);
        state.Commands.Add($"{source.Display(send)} | {target.Display(receive)}");
        state.Merge(besideState);
        var moved = !ready.IsOk ? ready.Error
            : result is null ? Result.Ok((0L, TimeSpan.Zero))
            : Moved(result, transfer, request, source.Display(send), target.Display(receive), target.Zfs.Capabilities.ResumableReceive);
        if (!moved.IsOk && !wrote.IsOk)
        {
            state.Warnings.Add(wrote.Error.Message);
        }

        return !moved.IsOk || wrote.IsOk ? moved : wrote.Error;
    }

    /// <summary>What a pipe that ran delivered, or its one-line failure naming the failing side's command as the report shows it.</summary>
    private static Result<(long Bytes, TimeSpan Duration)> Moved(PipeResult result, Transfer transfer, ReplicationRequest request, string send, string receive, bool resumable)
    {
        if (result.Succeeded)
        {
            return Result.Ok((result.Bytes, result.Duration));
        }

        var resumes = resumable && request.Resume ? " The next run resumes it." : string.Empty;
        return Result<(long, TimeSpan)>.Fail(result.Cancelled
            ? $"{transfer.Source} to {transfer.Target}: interrupted after {result.Bytes} bytes; the lock was released.{resumes}"
            : $"{transfer.Source} to {transfer.Target}: {string.Join("; ", new[] { Failure(result.From, send), Failure(result.To, receive) }.OfType<string>())}");
    }

    /// <summary>One side's failure, naming the command as the report shows it (never the ssh key path).</summary>
    private static string? Failure(CommandResult result, string display) =>
        result.Succeeded ? null : result.FailureSummaryAs(display);

    /// <summary>One end of the transfer: its runner (local or ssh), what its ZFS can do, and, when remote, the endpoint that wraps the pipe's half.</summary>
    private sealed class Side(ICommandRunner runner, SshEndpoint? remote, ZfsCapabilities capabilities)
    {
        public ZfsReplicas Zfs { get; } = new(runner, capabilities);

        public Command Wrap(Command command) => remote?.Wrap(command) ?? command;

        /// <summary>For reports: where it runs and what, without the key path or ssh options (they may be secrets).</summary>
        public string Display(Command command) => remote is null ? command.ToString() : $"ssh {remote.User}@{remote.Host} {command}";

        /// <summary>Lists a write and, unless in check mode, runs it under its failure policy.</summary>
        public Result<bool> Write(ZfsWrite write, RunState state)
        {
            state.Commands.Add(Display(write.Command));
            if (state.CheckMode)
            {
                return Result.Ok(true);
            }

            var result = Zfs.Run(write.Command, write.Policy);
            if (result.IsOk)
            {
                return true;
            }

            if (write.WarnOnFailure is { } warning)
            {
                state.Warnings.Add(warning);
                return false;
            }

            return result.Error;
        }
    }

    private sealed class RunState(bool checkMode)
    {
        public bool CheckMode => checkMode;

        public List<DatasetReplication> Datasets { get; } = [];

        public List<string> Commands { get; } = [];

        public List<string> Warnings { get; } = [];

        /// <summary>Datasets left alone, each with its reason: the run fails with them once the others are done.</summary>
        public List<string> Refusals { get; } = [];

        public (string? Here, string? There) ZfsImplementations { get; init; }

        /// <summary>A fresh list of commands and warnings for one lane of a stage, merged back once the stage ends.</summary>
        public RunState ForLane() => new(checkMode);

        public void Merge(RunState lane)
        {
            Commands.AddRange(lane.Commands);
            Warnings.AddRange(lane.Warnings);
        }

        public ReplicationOutcome Outcome(string? failure)
        {
            var reasons = Refusals.Concat(failure is null ? [] : [failure]).ToList();
            return new([.. Datasets], [.. Commands], [.. Warnings], reasons.Count == 0 ? null : string.Join("; ", reasons), checkMode) { ZfsImplementations = ZfsImplementations };
        }
    }
}
