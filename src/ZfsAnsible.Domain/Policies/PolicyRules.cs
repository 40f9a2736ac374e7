using System.Collections.Immutable;
using ZfsAnsible.Domain.Collections;
using ZfsAnsible.Domain.Naming;

namespace ZfsAnsible.Domain.Policies;

/// <summary>
/// Rules of the policy schema shared by the document reader and the resolver, so a problem reads the same
/// whether it was found while parsing YAML/JSON or while resolving records built in code.
/// </summary>
public static class PolicyRules
{
    /// <summary>Above this a count is a typo (or an attack on prune's bookkeeping), not a retention.</summary>
    public const int MaxRetention = 100_000;

    /// <summary>Policy names end up in ZFS user property values and in snapshot tooling output.</summary>
    public const int MaxPolicyNameLength = 64;

    public static string RetentionProblem(string policyName, Interval interval, string got) =>
        RetentionProblem(policyName, interval.YamlName(), got);

    public static string RetentionProblem(string policyName, string intervalName, string got) =>
        $"policy '{ZfsNames.Printable(policyName)}': snapshots.{ZfsNames.Printable(intervalName)} must be a whole number from 0 to {MaxRetention}, got {got}";

    public static bool IsValidRetention(long count) => count is >= 0 and <= MaxRetention;

    public static string? CheckPolicyName(string name)
    {
        if (name.Length == 0)
        {
            return "a policy name is empty";
        }

        if (name.Length > MaxPolicyNameLength)
        {
            return $"policy '{ZfsNames.Printable(name)}': the name is {name.Length} characters long; the maximum is {MaxPolicyNameLength}";
        }

        // A leading letter, digit or '_' keeps a name from ever reading as an option.
        if (!(char.IsAsciiLetterOrDigit(name[0]) || name[0] == '_') || !name.All(IsNameCharacter))
        {
            return $"policy '{ZfsNames.Printable(name)}': invalid name (letters, digits, '_', '-', '.', ':' only, beginning with a letter, digit or '_')";
        }

        return null;
    }

    /// <summary>"dataset 'tank/a'" — the subject every dataset problem starts with.</summary>
    public static string DatasetSubject(string name) => $"dataset '{ZfsNames.Printable(name)}'";

    internal static ValueDictionary<string, string> OrdinalProperties(ValueDictionary<string, string> properties) =>
        properties.Entries.KeyComparer == StringComparer.Ordinal ? properties : properties.Entries.WithComparers(StringComparer.Ordinal);

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':';
}

/// <summary>
/// Everything wrong with a policy configuration at once, so one run shows every problem to fix.
/// Each problem names the dataset or policy it is about; the message stays on one line.
/// </summary>
public sealed record PolicyConfigurationError : Error
{
    /// <summary>Past this many, the rest are counted, not listed: the message must stay readable in a task failure.</summary>
    public const int MaxListed = 20;

    public PolicyConfigurationError(IEnumerable<string> problems)
        : this([.. problems])
    {
    }

    private PolicyConfigurationError(ImmutableArray<string> problems)
        : base(Describe(problems)) => Problems = problems;

    public ImmutableArray<string> Problems { get; }

    private static string Describe(ImmutableArray<string> problems)
    {
        var listed = string.Join("; ", problems.Take(MaxListed).Select(OneLine));
        var more = problems.Length > MaxListed ? $"; and {problems.Length - MaxListed} more" : string.Empty;
        return problems.Length == 1
            ? $"invalid policy configuration: {listed}"
            : $"invalid policy configuration ({problems.Length} problems): {listed}{more}";
    }

    private static string OneLine(string text) => text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)
        ? text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
        : text;
}
