using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace ZfsAnsible.ModuleProtocol.Arguments;

/// <summary>The types Ansible's argument_spec knows, with its coercions.</summary>
public enum ArgumentType
{
    Str,
    Bool,
    Int,
    Float,
    Path,
    List,
    Dict,
    Raw,
}

/// <summary>One option of a module: type, required, default, choices, element type, sub-options, no_log.</summary>
public sealed record OptionSpec(ArgumentType Type)
{
    public bool Required { get; init; }

    /// <summary>Used when the option is absent or null; cloned on use, never shared.</summary>
    public JsonNode? Default { get; init; }

    public ImmutableArray<string> Choices { get; init; } = [];

    /// <summary>For lists: the type every element is coerced to.</summary>
    public ArgumentType? Elements { get; init; }

    /// <summary>For a dict, or a list of dicts: the spec each one is validated against.</summary>
    public ArgumentSpec? Options { get; init; }

    public bool NoLog { get; init; }

    public ImmutableArray<string> Aliases { get; init; } = [];
}

/// <summary>A whole module's (or sub-option's) declared arguments; one spec drives validation, coercion and error wording.</summary>
public sealed record ArgumentSpec(ImmutableDictionary<string, OptionSpec> Options)
{
    public ImmutableArray<ImmutableArray<string>> MutuallyExclusive { get; init; } = [];

    public ImmutableArray<ImmutableArray<string>> RequiredTogether { get; init; } = [];

    /// <summary>Groups of which at least one option must be set.</summary>
    public ImmutableArray<ImmutableArray<string>> RequiredOneOf { get; init; } = [];

    public ImmutableArray<RequiredIf> RequiredIf { get; init; } = [];

    /// <summary>An option that, when set, needs every option of its list set too.</summary>
    public ImmutableDictionary<string, ImmutableArray<string>> RequiredBy { get; init; } = ImmutableDictionary<string, ImmutableArray<string>>.Empty;

    public static ArgumentSpec Of(params (string Name, OptionSpec Spec)[] options) =>
        new(options.ToImmutableDictionary(o => o.Name, o => o.Spec, StringComparer.Ordinal));

    /// <summary>The same options, none required: for options that are checked whole only in some states (a removal needs none).</summary>
    public ArgumentSpec WithoutRequired() => this with { Options = Options.ToImmutableDictionary(o => o.Key, o => o.Value with { Required = false }, StringComparer.Ordinal) };

    public ArgumentSpec WithMutuallyExclusive(params string[] names) => this with { MutuallyExclusive = MutuallyExclusive.Add([.. names]) };

    public ArgumentSpec WithRequiredTogether(params string[] names) => this with { RequiredTogether = RequiredTogether.Add([.. names]) };

    public ArgumentSpec WithRequiredOneOf(params string[] names) => this with { RequiredOneOf = RequiredOneOf.Add([.. names]) };

    /// <summary>When <paramref name="option"/> equals <paramref name="value"/>, every one (or with <paramref name="anyOf"/>, one) of <paramref name="requirements"/> must be set.</summary>
    public ArgumentSpec WithRequiredIf(string option, string value, string[] requirements, bool anyOf = false) =>
        this with { RequiredIf = RequiredIf.Add(new RequiredIf(option, value, [.. requirements], anyOf)) };

    public ArgumentSpec WithRequiredBy(string option, params string[] requirements) => this with { RequiredBy = RequiredBy.Add(option, [.. requirements]) };
}

/// <summary>ansible-core's required_if entry: [option, value, requirements, any_of].</summary>
public sealed record RequiredIf(string Option, string Value, ImmutableArray<string> Requirements, bool AnyOf);

/// <summary>Short constructors so a module's spec reads like its Ansible documentation.</summary>
public static class Option
{
    public static OptionSpec Str(bool required = false, string? @default = null, params string[] choices) =>
        new(ArgumentType.Str) { Required = required, Default = @default is null ? null : JsonValue.Create(@default), Choices = [.. choices] };

    /// <summary>
    /// A choice among an enum's values, written in lower case ("pull"); the enum the module binds to is the one
    /// list of choices. <paramref name="allowed"/> narrows it (log vdevs: stripe or mirror only); empty: every value.
    /// </summary>
    public static OptionSpec Choice<T>(T @default, params T[] allowed)
        where T : struct, Enum =>
        Str(@default: Word(@default), choices: [.. (allowed.Length > 0 ? allowed : Enum.GetValues<T>()).Select(Word)]);

    public static OptionSpec Path(bool required = false, string? @default = null) =>
        new(ArgumentType.Path) { Required = required, Default = @default is null ? null : JsonValue.Create(@default) };

    public static OptionSpec Bool(bool @default = false) => new(ArgumentType.Bool) { Default = JsonValue.Create(@default) };

    public static OptionSpec Int(bool required = false, long? @default = null) =>
        new(ArgumentType.Int) { Required = required, Default = @default is { } value ? JsonValue.Create(value) : null };

    // An optional collection defaults to empty, so modules bind no nulls; a required one has no default (ansible-core's rule).
    public static OptionSpec List(ArgumentType elements = ArgumentType.Str, bool required = false) =>
        new(ArgumentType.List) { Elements = elements, Required = required, Default = required ? null : new JsonArray() };

    public static OptionSpec ListOf(ArgumentSpec options, bool required = false) =>
        new(ArgumentType.List) { Elements = ArgumentType.Dict, Options = options, Required = required, Default = required ? null : new JsonArray() };

    public static OptionSpec Dict(bool required = false) => new(ArgumentType.Dict) { Required = required, Default = required ? null : new JsonObject() };

    public static OptionSpec Secret(bool required = false) => new(ArgumentType.Str) { Required = required, NoLog = true };

    private static string Word<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
