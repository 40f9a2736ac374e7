namespace ZfsAnsible.Domain.Snapshots;

/// <summary>
/// One existing snapshot as ZFS reports it. <see cref="CreateTxg"/> orders snapshots even when their creation seconds
/// are equal; <see cref="Own"/> is set only for names this tool made.
/// </summary>
public sealed record Snapshot
{
    public Snapshot(string dataset, string name, long createTxg, DateTimeOffset creation, int userRefs, string replicated)
        : this(dataset, name, createTxg, creation, userRefs, replicated, SnapshotName.TryParse(name))
    {
    }

    private Snapshot(string dataset, string name, long createTxg, DateTimeOffset creation, int userRefs, string replicated, SnapshotName? own)
    {
        Dataset = dataset;
        Name = name;
        CreateTxg = createTxg;
        Creation = creation;
        UserRefs = userRefs;
        Replicated = replicated;
        Own = own;
    }

    // Dataset and Name have no init: Own is parsed from Name once, and a copy "with" another name would keep it.
    public string Dataset { get; }

    public string Name { get; }

    public long CreateTxg { get; init; }

    public DateTimeOffset Creation { get; init; }

    /// <summary>Number of user holds; a held snapshot is never destroyed.</summary>
    public int UserRefs { get; init; }

    /// <summary>The local value of zfsansible:replicated: the targets whose base this snapshot is ("" for none).</summary>
    public string Replicated { get; init; }

    public SnapshotName? Own { get; }

    /// <summary>
    /// A snapshot known from the cheap columns of a listing (name and createtxg) only: no holds, no replication mark,
    /// created when its name says (a foreign one: unknown, the epoch). Holds and marks only ever keep snapshots, so a
    /// plan made from these destroys a superset of the true plan; whoever plans with them must read the real values
    /// of the snapshots that plan would destroy and plan again. Its name is parsed once: a host's every snapshot is
    /// made here on every timer run.
    /// </summary>
    public static Snapshot Listed(string dataset, string name, long createTxg)
    {
        var own = SnapshotName.TryParse(name);
        return new(dataset, name, createTxg, own?.Time ?? DateTimeOffset.UnixEpoch, 0, string.Empty, own);
    }

    public string FullName => $"{Dataset}@{Name}";

    /// <summary>The time the snapshot stands for: its name's time when this tool made it, otherwise its creation.</summary>
    public DateTimeOffset Time => Own?.Time ?? Creation;
}
