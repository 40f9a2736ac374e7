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
/// zfs_replicate's work, shared by the module and the timer's command: lock the source host, choose the datasets,
/// and bring each target up to its source one planned step at a time (<see cref="ReplicationPlanner"/>).
/// </summary>
/// <param name="localHost">This host's name: in pull mode, the receiving host of the target id the base is marked with.</param>
public sealed class ReplicationRun(ICommandRunner local, IPipeRunner pipe, TimeProvider clock, string localHost)
{
    /// <summary>A full send, then the incremental rest, or a resume and then the rest: never more steps than this.</summary>
    private const int MaxStepsPerDataset = 4;

    public ReplicationOutcome Execute(ReplicationRequest request, bool checkMode, CancellationToken cancellation)
    {
        var remote = request.Remote is null ? null : new SshCommandRunner(local, request.Remote);
        var here = new Side(local, null, CapabilityProbe.Probe(local));
        var there = remote is null ? here : new Side(remote, request.Remote, CapabilityProbe.Probe(remote));
        var (source, target) = request.Direction == Direction.Pull ? (there, here) : (here, there);
        var targetId = ReplicationMark.TargetId(request.Direction == Direction.Push && request.Remote is { } r ? r.Host : localHost, request.TargetRoot);

        HostLock? hostLock = null;
        if (!checkMode)
        {
            var acquired = HostLock.Acquire(request.LockDirectory, request.LockName);
            if (!acquired.IsOk)
            {
                return new ReplicationOutcome([], [], [], acquired.Error!.Message, checkMode);
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

            var datasets = request.Datasets.IsEmpty ? Discover(source, request.SourceRoots) : Result.Ok(request.Datasets);
            if (!datasets.IsOk)
            {
                return state.Outcome(datasets.Error!.Message);
            }

            // Parents first: a child received before its parent would leave the parent's target an empty dataset
            // this replication did not create, and the parent could never be received.
            foreach (var dataset in datasets.Value.Order(StringComparer.Ordinal))
            {
                var done = Replicate(dataset, request, targetId, source, target, state, cancellation);
                if (!done.IsOk)
                {
                    return state.Outcome(done.Error!.Message);
                }

                state.Datasets.Add(done.Value);
            }

            return state.Outcome(null);
        }
    }

    private static Result<ImmutableArray<string>> Discover(Side source, ImmutableArray<string> roots) =>
        (roots.IsEmpty ? source.Zfs.ImportedPools() : Result.Ok(roots)).Bind(where => source.Zfs.MarkedForReplication(where));

    private Result<DatasetReplication> Replicate(string dataset, ReplicationRequest request, string targetId, Side source, Side target, RunState state, CancellationToken cancellation)
    {
        var destination = ReplicationPlanner.TargetFor(request.TargetRoot, dataset);
        var actions = new List<string>();
        var bytes = 0L;
        var duration = TimeSpan.Zero;
        var changed = false;
        string? before = null;
        for (var step = 0; step < MaxStepsPerDataset; step++)
        {
            if (cancellation.IsCancellationRequested)
            {
                return Result<DatasetReplication>.Fail($"{dataset} to {destination}: interrupted; the lock was released");
            }

            var snapshots = source.Zfs.Snapshots(dataset);
            var targetState = snapshots.IsOk ? target.Zfs.Target(destination) : Result<TargetState>.Fail(snapshots.Error!);
            if (!targetState.IsOk)
            {
                return targetState.Error!;
            }

            var sourceSnapshots = snapshots.Value.Select(s => s.Snapshot).ToImmutableArray();
            if (step == 0)
            {
                before = targetState.Value.Snapshots.MaxBy(s => s.CreateTxg)?.Name;
            }

            // After every transfer, not only at the end: a long seed or an interrupted run still protects its base.
            var common = request.Hold ? ReplicationPlanner.CommonBase(sourceSnapshots, targetState.Value) : null;
            var keep = common is not null && NeedsKeeping(common, snapshots.Value, targetId);
            var protect = targetState.Value is { Exists: true, ResumeToken: null, Protected: false };
            if (!state.CheckMode)
            {
                var kept = keep ? KeepBase(dataset, common!, snapshots.Value, targetId, source, state) : Result.Ok(false);
                var secured = kept.IsOk && protect ? Protect(destination, target, state) : Result.Ok(false);
                if (!kept.IsOk || !secured.IsOk)
                {
                    return (kept.Error ?? secured.Error)!;
                }
            }

            changed |= keep || protect;

            var next = ReplicationPlanner.Next(dataset, destination, sourceSnapshots, targetState.Value, request.Resume);
            if (!next.IsOk)
            {
                return next.Error!;
            }

            switch (next.Value)
            {
                case NothingToSend:
                    state.Warnings.Add(next.Value.Describe(dataset, destination));
                    return Result.Ok(new DatasetReplication(dataset, destination, "no_snapshot", before, null, 0, TimeSpan.Zero, changed));
                case UpToDate upToDate:
                    if (actions.Count > 0 && RecordSuccess(destination, bytes, duration, target, state) is { IsOk: false } recorded)
                    {
                        return recorded.Error!;
                    }

                    return Result.Ok(new DatasetReplication(dataset, destination, actions.Count == 0 ? "up_to_date" : string.Join('+', actions), before,
                        upToDate.Newest.Name, bytes, duration, changed || actions.Count > 0));
            }

            var send = ZfsReplicas.Send(next.Value, dataset, request.Raw);
            var receive = target.Zfs.Receive(destination);
            state.Commands.Add($"{source.Display(send)} | {target.Display(receive)}");
            actions.Add(next.Value switch { FullSend => "full", IncrementalSend => "incremental", _ => "resumed" });
            if (state.CheckMode)
            {
                return Result.Ok(new DatasetReplication(dataset, destination, actions[0], before, sourceSnapshots.MaxBy(s => s.CreateTxg)!.Name, 0, TimeSpan.Zero, true));
            }

            if (next.Value is FullSend && ParentOf(destination) is { } parent && target.Run(Command.Of("zfs", "create", "-p", parent), state) is { IsOk: false } created)
            {
                return created.Error!;
            }

            var transfer = pipe.Run(source.Wrap(send), target.Wrap(receive), request.BytesPerSecond, cancellation);
            bytes += transfer.Bytes;
            duration += transfer.Duration;
            if (!transfer.Succeeded)
            {
                var resumable = target.Zfs.Capabilities.ResumableReceive && request.Resume ? " The next run resumes it." : string.Empty;
                return Result<DatasetReplication>.Fail(transfer.Cancelled
                    ? $"{dataset} to {destination}: interrupted after {transfer.Bytes} bytes; the lock was released.{resumable}"
                    : $"{dataset} to {destination}: {string.Join("; ", new[] { Failure(transfer.From, source.Display(send)), Failure(transfer.To, target.Display(receive)) }.OfType<string>())}");
            }
        }

        return Result<DatasetReplication>.Fail($"{dataset} to {destination}: not up to date after {MaxStepsPerDataset} transfers; run again");
    }

    /// <summary>One side's failure, naming the command as the report shows it (never the ssh key path).</summary>
    private static string? Failure(CommandResult result, string display) =>
        result.Succeeded ? null : $"{display} failed (exit {result.ExitCode}): {result.ErrorSummary}";

    /// <summary>Whether the base is not yet marked for this target, or an older snapshot still is.</summary>
    private static bool NeedsKeeping(ReplicaSnapshot common, ImmutableArray<MarkedSnapshot> snapshots, string targetId) =>
        snapshots.Any(s => s.Snapshot.Guid == common.Guid ? !s.IsBaseOf(targetId) : s.IsBaseOf(targetId));

    /// <summary>
    /// Holds and marks the base this target now has, so prune keeps it, and lets go of this target's previous base.
    /// Marks and holds of other targets are left alone.
    /// </summary>
    private static Result<bool> KeepBase(string dataset, ReplicaSnapshot common, ImmutableArray<MarkedSnapshot> snapshots, string targetId, Side source, RunState state)
    {
        var current = snapshots.First(s => s.Snapshot.Guid == common.Guid);
        var stale = snapshots.Where(s => s.IsBaseOf(targetId) && s.Snapshot.Guid != common.Guid).ToList();

        var tag = ReplicationMark.HoldTag(targetId);
        if (!current.IsBaseOf(targetId))
        {
            var full = $"{dataset}@{common.Name}";
            // A hold left by an earlier run that failed before marking is the hold wanted: not an error.
            var held = source.Run(Command.Of("zfs", "hold", tag, full), state, tolerated: "tag already exists");
            var marked = held.IsOk ? source.Run(Command.Of("zfs", "set", $"{ReplicationMark.Property}={ReplicationMark.Format(ReplicationMark.Parse(current.Marks).Add(targetId))}", full), state) : held;
            if (!marked.IsOk)
            {
                return marked.Error!;
            }
        }

        foreach (var old in stale)
        {
            var full = $"{dataset}@{old.Snapshot.Name}";
            var others = ReplicationMark.Parse(old.Marks).Remove(targetId);
            var unmarked = source.Run(others.IsEmpty
                ? Command.Of("zfs", "inherit", ReplicationMark.Property, full)
                : Command.Of("zfs", "set", $"{ReplicationMark.Property}={ReplicationMark.Format(others)}", full), state);
            if (!unmarked.IsOk)
            {
                return unmarked.Error!;
            }

            // Someone may have released the hold by hand; the mark is what prune reads, so this only warns.
            if (!source.Run(Command.Of("zfs", "release", tag, full), state).IsOk)
            {
                state.Warnings.Add($"could not release the hold {tag} on {full}; release it by hand with 'zfs release {tag} {full}'");
            }
        }

        return Result.Ok(true);
    }

    /// <summary>A received dataset is a copy: read-only, and never mounted by itself over a live path (DESIGN §6.3).</summary>
    private static Result<bool> Protect(string destination, Side target, RunState state)
    {
        foreach (var property in new[] { "readonly=on", "canmount=noauto" })
        {
            if (target.Run(Command.Of("zfs", "set", property, destination), state) is { IsOk: false } failed)
            {
                return failed.Error!;
            }
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
            if (target.Run(Command.Of("zfs", "set", property, destination), state) is { IsOk: false } failed)
            {
                return failed.Error!;
            }
        }

        return Result.Ok(true);
    }

    private static string? ParentOf(string dataset) => dataset.LastIndexOf('/') is var slash and > 0 ? dataset[..slash] : null;

    /// <summary>One end of the transfer: its runner (local or ssh), what its ZFS can do, and, when remote, the endpoint that wraps the pipe's half.</summary>
    private sealed class Side(ICommandRunner runner, SshEndpoint? remote, ZfsCapabilities capabilities)
    {
        public ZfsReplicas Zfs { get; } = new(runner, capabilities);

        public Command Wrap(Command command) => remote?.Wrap(command) ?? command;

        /// <summary>For reports: where it runs and what, without the key path or ssh options (they may be secrets).</summary>
        public string Display(Command command) => remote is null ? command.ToString() : $"ssh {remote.User}@{remote.Host} {command}";

        /// <summary>Runs and records a command; a failure whose stderr holds <paramref name="tolerated"/> counts as success.</summary>
        public Result<CommandResult> Run(Command command, RunState state, string? tolerated = null)
        {
            state.Commands.Add(Display(command));
            var result = Zfs.Run(command);
            return result.Succeeded || (tolerated is not null && result.StandardError.Contains(tolerated, StringComparison.Ordinal))
                ? Result.Ok(result)
                : new ZfsCommandError(result);
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
