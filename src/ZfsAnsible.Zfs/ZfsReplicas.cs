using System.Collections.Immutable;
using System.Globalization;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Datasets;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Domain.Replication;
using ZfsAnsible.Zfs.Execution;
using ZfsAnsible.Zfs.Parsing;

namespace ZfsAnsible.Zfs;

/// <summary>
/// One side of a replication, local or over ssh (the runner decides): snapshots by GUID, the target's state, and the
/// commands of a transfer. Reads with "zfs get -H -p", which every supported CLI answers in exact numbers.
/// </summary>
public sealed class ZfsReplicas(ICommandRunner runner, ZfsCapabilities capabilities)
{
    private static readonly string[] TargetProperties = ["readonly", "canmount", ZfsAnsibleProperties.ReplicaPolicy, ZfsAnsibleProperties.ReplicaRetention];

    private readonly ZfsExecutor _zfs = new(runner);

    public ZfsCapabilities Capabilities => capabilities;

    /// <summary>A source dataset: its snapshots by GUID and the label its replicas get (its policy, or the label it carries itself).</summary>
    public Result<SourceState> Source(string dataset) =>
        Read(dataset, [ZfsAnsibleProperties.Policy, ZfsAnsibleProperties.Retention, ZfsAnsibleProperties.ReplicaPolicy, ZfsAnsibleProperties.ReplicaRetention])
            .Map(read => new SourceState(read.Snapshots, LabelOf(read.Dataset, ZfsAnsibleProperties.Policy, ZfsAnsibleProperties.Retention, localOnly: false)
                ?? LabelOf(read.Dataset, ZfsAnsibleProperties.ReplicaPolicy, ZfsAnsibleProperties.ReplicaRetention, localOnly: true)));

    /// <summary>A label from two properties; a replica's counts only where set on the dataset itself (the pull sets it there).</summary>
    private static ReplicaLabel? LabelOf(ImmutableDictionary<string, ObservedProperty> values, string policy, string retention, bool localOnly) =>
        values.TryGetValue(policy, out var p) && values.TryGetValue(retention, out var r) && (!localOnly || (p.IsLocal && r.IsLocal))
            ? ReplicaLabel.Of(p.Value, r.Value)
            : null;

    /// <summary>The target as found, from the same one zfs get as its snapshots; a missing dataset is absent, not an error.</summary>
    public Result<TargetState> Target(string dataset)
    {
        var read = Read(dataset, capabilities.ResumableReceive ? [.. TargetProperties, "receive_resume_token"] : TargetProperties);
        if (!read.IsOk)
        {
            return read.Error is ZfsCommandError { Failure: ZfsFailure.DoesNotExist } ? TargetState.Absent : read.Error;
        }

        var values = read.Value.Dataset;
        string? Value(string property) => values.TryGetValue(property, out var value) ? value.Value : null;
        var token = Value("receive_resume_token") is { Length: > 1 } t ? t : null;
        return Result.Ok(new TargetState(true, [.. read.Value.Snapshots.Select(s => s.Snapshot)], token, ZfsPropertyRules.IsOn(Value("readonly")) && Value("canmount") == "noauto",
            Label: LabelOf(values, ZfsAnsibleProperties.ReplicaPolicy, ZfsAnsibleProperties.ReplicaRetention, localOnly: true)));
    }

    /// <summary>One "zfs get -r": the dataset's own <paramref name="properties"/> and its snapshots with GUID, txg and mark.</summary>
    private Result<(ImmutableDictionary<string, ObservedProperty> Dataset, ImmutableArray<MarkedSnapshot> Snapshots)> Read(string dataset, string[] properties)
    {
        var command = Command.Of("zfs", "get", "-H", "-p", "-r", "-o", "name,property,value,source",
            string.Join(',', new[] { "guid", "createtxg", ZfsAnsibleProperties.Replicated }.Concat(properties)), dataset);
        var output = _zfs.Read(command);
        if (!output.IsOk)
        {
            return output.Error;
        }

        var objects = GetOutput.ByObject(output.Value);
        var snapshots = ImmutableArray.CreateBuilder<MarkedSnapshot>();
        foreach (var (name, values) in objects.Where(o => o.Key.StartsWith(dataset + "@", StringComparison.Ordinal)))
        {
            if (!values.TryGetValue("guid", out var guid) || !ulong.TryParse(guid.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || !ZfsSnapshots.TryNumber(values, "createtxg", out var createTxg))
            {
                return new ZfsOutputError(command, $"snapshot {name} has no readable guid or createtxg");
            }

            snapshots.Add(new MarkedSnapshot(new ReplicaSnapshot(name[(dataset.Length + 1)..], id, createTxg), ZfsSnapshots.MarkOf(values)));
        }

        return Result.Ok((objects.GetValueOrDefault(dataset) ?? ImmutableDictionary<string, ObservedProperty>.Empty, snapshots.ToImmutable()));
    }

    /// <summary>
    /// Datasets whose policy says replicate: zfsansible:replicate on, set on the dataset itself or inherited into a
    /// discovering subtree (the same reading as the snapshot timer's); and replicas, labelled by the pull that made them
    /// (a backup server's offsite push sends every replica onward). Parents come before their children.
    /// </summary>
    public Result<ImmutableArray<string>> MarkedForReplication(IReadOnlyCollection<string> roots)
    {
        var command = Command.Of("zfs", "get", "-H", "-p", "-r", "-o", "name,property,value,source",
            $"{ZfsAnsibleProperties.Replicate},{ZfsAnsibleProperties.DiscoverChildren},{ZfsAnsibleProperties.ReplicaPolicy}").WithArguments(roots);
        return _zfs.Read(command).Map(output => GetOutput.ByObject(output)
            .Where(o => !o.Key.Contains('@', StringComparison.Ordinal))
            .Where(o => SaysReplicate(o.Value) || IsReplica(o.Value))
            .Select(o => o.Key)
            .Order(StringComparer.Ordinal)
            .ToImmutableArray());
    }

    private static bool SaysReplicate(ImmutableDictionary<string, ObservedProperty> values) =>
        values.TryGetValue(ZfsAnsibleProperties.Replicate, out var replicate) && ZfsPropertyRules.IsOn(replicate.Value)
        && (replicate.IsLocal || (values.TryGetValue(ZfsAnsibleProperties.DiscoverChildren, out var discover) && ZfsPropertyRules.IsOn(discover.Value)));

    private static bool IsReplica(ImmutableDictionary<string, ObservedProperty> values) =>
        values.TryGetValue(ZfsAnsibleProperties.ReplicaPolicy, out var label) && label.IsLocal && label.Value is not ("" or "-");

    /// <summary>The imported pools, read the way every module reads them (<see cref="Zpool.ImportedPools"/>).</summary>
    public Result<ImmutableArray<string>> ImportedPools() => new Zpool(runner, capabilities).ImportedPools();

    /// <summary>The GUID of one snapshot (zfs get -H -p guid).</summary>
    public Result<ulong> Guid(string snapshot) =>
        _zfs.Read(Command.Of("zfs", "get", "-H", "-p", "-o", "value", "guid", snapshot)).Bind(output =>
            ulong.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var guid)
                ? Result.Ok(guid)
                : Result<ulong>.Fail($"{snapshot} has no readable guid"));

    /// <summary>A write of a replication, under its own failure policy.</summary>
    public Result<CommandResult> Run(Command command, CommandPolicy policy) => _zfs.Run(command, policy);

    /// <summary>
    /// Which snapshot an interrupted receive delivers once resumed: "zfs send -nv -t TOKEN" on the sending side prints
    /// the token's contents ("toguid = 0x...", "toname = pool/fs@snap"), and sends nothing.
    /// </summary>
    public Result<ResumedSnapshot> ResumedSnapshot(string token)
    {
        var command = Command.Of("zfs", "send", "-nv", "-t", token);
        var result = _zfs.Run(command, CommandPolicy.Once);
        if (!result.IsOk)
        {
            return result.Error;
        }

        var lines = (result.Value.StandardError + "\n" + result.Value.StandardOutput).Split('\n').Select(l => l.Trim()).ToList();
        List<string> Fields(string name) => [.. lines.Where(l => l.StartsWith(name + " = ", StringComparison.Ordinal)).Select(l => l[(name.Length + 3)..])];
        var (guids, names) = (Fields("toguid"), Fields("toname"));
        // A token is the sender's own text: a field twice is a forged one, never a guess.
        return guids is [{ } guid] && names.Count <= 1 && guid.StartsWith("0x", StringComparison.Ordinal)
            && ulong.TryParse(guid[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id)
            ? Result.Ok(new ResumedSnapshot(id, names.SingleOrDefault()))
            : new ZfsOutputError(command, "the resume token's contents name no single toguid and toname");
    }

    /// <summary>The sending half of a step; the runner of the sending side wraps it (ssh) when it is remote.</summary>
    public static Command Send(ReplicationStep step, string source, bool raw) => step switch
    {
        FullSend full => Command.Of("zfs", "send").WithArguments(raw ? ["-w"] : []).WithArguments($"{source}@{full.Snapshot.Name}"),
        IncrementalSend incremental => Command.Of("zfs", "send").WithArguments(raw ? ["-w"] : [])
            .WithArguments("-I", $"{source}@{incremental.Base.Name}", $"{source}@{incremental.Newest.Name}"),
        ResumeSend resume => Command.Of("zfs", "send", "-t", resume.Token),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step.GetType().Name, "no transfer in this step"),
    };

    /// <summary>
    /// The receiving half: never forced (-F would roll back and destroy what the target holds), not mounted (-u),
    /// resumable (-s) where the target supports it, and protected and labelled by the receive itself when the plan says so.
    /// </summary>
    public Command Receive(Transfer transfer) =>
        Command.Of("zfs", "recv", "-u").WithArguments(capabilities.ResumableReceive ? ["-s"] : [])
            .WithArguments((transfer.Protects ? Protect.Properties : []).AddRange(transfer.Label?.Properties ?? []).SelectMany(p => new[] { "-o", $"{p.Property}={p.Value}" }))
            .WithArguments(transfer.Target);
}

/// <summary>What a resume token continues: the snapshot's GUID and, where the token says it, its name.</summary>
public sealed record ResumedSnapshot(ulong Guid, string? Name);

/// <summary>A source dataset as a pull reads it: its snapshots with their marks, and the label its replica gets.</summary>
public sealed record SourceState(ImmutableArray<MarkedSnapshot> Snapshots, ReplicaLabel? Label);
