using System.Collections.Immutable;
using ZfsAnsible.Domain.Collections;

namespace ZfsAnsible.Domain.Pools;

/// <summary>One change the planner decided on; the module turns each into exactly one zpool/zfs command.</summary>
public abstract record PoolAction(string Pool)
{
    /// <summary>Past-tense words for the change report.</summary>
    public abstract string Describe();
}

public sealed record CreatePool(PoolDeclaration Declaration) : PoolAction(Declaration.Name)
{
    public override string Describe() => $"created pool {Pool} ({string.Join("; ", Declaration.Topology!.Vdevs)})";
}

public sealed record ImportPool(string Name, ValueArray<string> SearchDirectories, string? Altroot) : PoolAction(Name)
{
    public override string Describe() => $"imported pool {Pool}";
}

public sealed record ExportPool(string Name) : PoolAction(Name)
{
    public override string Describe() => $"exported pool {Pool}";
}

public sealed record DestroyPool(string Name) : PoolAction(Name)
{
    public override string Describe() => $"destroyed pool {Pool}";
}

public sealed record AddVdevs(string Name, PoolTopology Vdevs, bool Force) : PoolAction(Name)
{
    public override string Describe() => $"added to pool {Pool}: {string.Join("; ", Vdevs.Vdevs)}";
}

public sealed record SetPoolProperty(string Name, string Property, string Value) : PoolAction(Name)
{
    public override string Describe() => $"set pool property {Property}={Value} on {Pool}";
}

public sealed record SetFilesystemProperty(string Name, string Property, string Value) : PoolAction(Name)
{
    public override string Describe() => $"set property {Property}={Value} on {Pool}";
}
