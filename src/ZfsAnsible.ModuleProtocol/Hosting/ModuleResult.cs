using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace ZfsAnsible.ModuleProtocol.Hosting;

/// <summary>Before and after, as Ansible's --diff shows them; a file's diff names it in the headers.</summary>
public sealed record ModuleDiff(JsonNode? Before, JsonNode? After)
{
    public string? BeforeHeader { get; init; }

    public string? AfterHeader { get; init; }
}

/// <summary>What a module answers: changed/failed/msg, diff, warnings and its own return values.</summary>
public sealed record ModuleResult
{
    public bool Changed { get; init; }

    public bool Failed { get; init; }

    public string? Msg { get; init; }

    public ModuleDiff? Diff { get; init; }

    public ImmutableArray<string> Warnings { get; init; } = [];

    public ImmutableDictionary<string, JsonNode?> Values { get; init; } = ImmutableDictionary<string, JsonNode?>.Empty;

    public static ModuleResult Ok(string msg, bool changed = false) => new() { Msg = msg, Changed = changed };

    /// <summary>A failure; <paramref name="changed"/> when something was changed before it failed.</summary>
    public static ModuleResult Fail(string msg, bool changed = false) => new() { Failed = true, Msg = msg, Changed = changed };

    public ModuleResult With(string key, JsonNode? value) => this with { Values = Values.SetItem(key, value) };

    public ModuleResult WithWarnings(IEnumerable<string> warnings) => this with { Warnings = Warnings.AddRange(warnings) };
}

/// <summary>The request as the module sees it: parameters plus Ansible's switches.</summary>
public sealed record ModuleContext(string ModuleName, Arguments.ModuleParameters Parameters, bool CheckMode, bool DiffMode, int Verbosity);

/// <summary>A module: its name, its spec and the function that does the work.</summary>
public sealed record ModuleDefinition(string Name, Arguments.ArgumentSpec Spec, Func<ModuleContext, ModuleResult> Execute)
{
    /// <summary>
    /// Whether this definition answers the given task arguments, where one executable holds several definitions of
    /// one module name (zfs_timer, once per program it installs). The default answers every task.
    /// </summary>
    public Func<System.Text.Json.Nodes.JsonObject, bool> Serves { get; init; } = static _ => true;
}
