using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Domain.Replication;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs.Serving;

/// <summary>
/// A command <see cref="ServeRules"/> allowed. A resume token names its snapshot only inside: <paramref name="ResumeToken"/>
/// is set when the token's dataset must be checked (<see cref="ServeRules.CheckResumedDataset"/>) before it runs.
/// </summary>
public sealed record ServedCommand(Command Command, string? ResumeToken = null);

/// <summary>
/// What the source side of a pull (<c>zfs_replicate serve</c>, an ssh forced command) may run: exactly the commands a
/// pull sends — probe the CLI, read guid/createtxg and the zfsansible: properties, send (full, incremental, resumed),
/// hold and release a replication tag, mark the replication base — and only for datasets at or below the allowed
/// roots. Everything else (destroy, rollback, a shell, another dataset, another option) is refused with its reason.
/// Pure: the argv comes in, an allowed command or the reason comes out.
/// </summary>
public static partial class ServeRules
{
    /// <summary>The native properties a pull reads; every zfsansible: property is readable too.</summary>
    private static readonly ImmutableHashSet<string> ReadableProperties = ["guid", "createtxg", "readonly", "canmount", "receive_resume_token"];

    private static readonly string[] GetPrefix = ["get", "-H", "-p", "-r", "-o", "name,property,value,source"];

    public static Result<ServedCommand> Check(IReadOnlyList<string> argv, IReadOnlyCollection<string> allowedRoots)
    {
        if (argv.Count == 0)
        {
            return Refuse("no command was given");
        }

        var words = argv.Skip(1).ToArray();
        return argv[0] switch
        {
            "zfs" => Zfs(words, allowedRoots),
            "zpool" when words.SequenceEqual(["list", "-H", "-p", "-o", "name"]) || words.SequenceEqual(["list", "-H", "-o", "name"]) => Allow("zpool", words),
            _ => Refuse($"'{ZfsNames.Printable(argv[0])}' is not served (only the zfs commands of a pull)"),
        };
    }

    /// <summary>A resumed send continues the snapshot its token names: that snapshot must be under an allowed root too.</summary>
    public static Error? CheckResumedDataset(string resumedSnapshot, IReadOnlyCollection<string> allowedRoots) =>
        CheckSnapshot(resumedSnapshot, allowedRoots) is { } problem ? new Error($"the resume token's snapshot: {problem.Message}") : null;

    private static Result<ServedCommand> Zfs(string[] words, IReadOnlyCollection<string> roots)
    {
        switch (words)
        {
            case ["version"]:
                return Allow("zfs", words);
            case ["get", ..] when words.Take(GetPrefix.Length).SequenceEqual(GetPrefix) && words.Length >= GetPrefix.Length + 2:
                return Get(words, roots);
            case ["send", .. var send]:
                return Send(words, send, roots);
            case ["hold" or "release", var tag, var snapshot]:
                return !ReplicationMark.IsHoldTag(tag) ? Refuse($"hold tag '{ZfsNames.Printable(tag)}' is not a replication tag")
                    : CheckSnapshot(snapshot, roots) is { } holdProblem ? Refuse(holdProblem.Message)
                    : Allow("zfs", words);
            case ["set", var assignment, var snapshot] when assignment.StartsWith(ZfsAnsibleProperties.Replicated + "=", StringComparison.Ordinal):
                return assignment.Any(char.IsControl) ? Refuse("the mark holds a control character")
                    : CheckSnapshot(snapshot, roots) is { } setProblem ? Refuse(setProblem.Message)
                    : Allow("zfs", words);
            case ["inherit", ZfsAnsibleProperties.Replicated, var snapshot]:
                return CheckSnapshot(snapshot, roots) is { } inheritProblem ? Refuse(inheritProblem.Message) : Allow("zfs", words);
            default:
                return Refuse($"'zfs {ZfsNames.Printable(string.Join(' ', words.Take(3)))}' is not served (only the zfs commands of a pull)");
        }
    }

    private static Result<ServedCommand> Get(string[] words, IReadOnlyCollection<string> roots)
    {
        var properties = words[GetPrefix.Length].Split(',');
        if (properties.FirstOrDefault(p => !ReadableProperties.Contains(p) && !ZfsAnsibleProperties.IsOwn(p)) is { } property)
        {
            return Refuse($"property '{ZfsNames.Printable(property)}' is not served");
        }

        foreach (var dataset in words.Skip(GetPrefix.Length + 1))
        {
            if (CheckDataset(dataset, roots) is { } problem)
            {
                return Refuse(problem.Message);
            }
        }

        return Allow("zfs", words);
    }

    private static Result<ServedCommand> Send(string[] words, string[] send, IReadOnlyCollection<string> roots)
    {
        var options = send.TakeWhile(w => w == "-w").Count();
        switch (send[options..])
        {
            case [var snapshot] when options <= 1:
                return CheckSnapshot(snapshot, roots) is { } fullProblem ? Refuse(fullProblem.Message) : Allow("zfs", words);
            case ["-I", var from, var to] when options <= 1:
                return CheckSnapshot(from, roots) is { } fromProblem ? Refuse(fromProblem.Message)
                    : CheckSnapshot(to, roots) is { } toProblem ? Refuse(toProblem.Message)
                    : from[..from.IndexOf('@', StringComparison.Ordinal)] != to[..to.IndexOf('@', StringComparison.Ordinal)] ? Refuse("an incremental send must stay within one dataset")
                    : Allow("zfs", words);
            case ["-t", var token] when options == 0 && ResumeTokenPattern().IsMatch(token):
            case ["-nv", "-t", var dryToken] when options == 0 && ResumeTokenPattern().IsMatch(dryToken):
                return Result.Ok(new ServedCommand(Command.Of("zfs", words), send[^1]));
            default:
                return Refuse($"'zfs {ZfsNames.Printable(string.Join(' ', words))}' is not a send a pull makes");
        }
    }

    private static Error? CheckSnapshot(string snapshot, IReadOnlyCollection<string> roots)
    {
        var at = snapshot.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || snapshot.IndexOf('@', at + 1) >= 0)
        {
            return new Error($"'{ZfsNames.Printable(snapshot)}' is not a snapshot name");
        }

        var tag = snapshot[(at + 1)..];
        return tag.Length == 0 || tag.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':')) || tag[0] == '-'
            ? new Error($"'{ZfsNames.Printable(snapshot)}' is not a snapshot name")
            : CheckDataset(snapshot[..at], roots);
    }

    private static Error? CheckDataset(string dataset, IReadOnlyCollection<string> roots) =>
        ZfsNames.CheckDatasetName(dataset) is { } invalid && ZfsNames.CheckPoolName(dataset) is not null ? invalid
        : roots.Any(root => dataset == root || dataset.StartsWith(root + "/", StringComparison.Ordinal)) ? null
        : new Error($"{ZfsNames.Printable(dataset)} is outside the served datasets ({string.Join(", ", roots)})");

    private static Result<ServedCommand> Allow(string program, string[] words) => Result.Ok(new ServedCommand(Command.Of(program, words)));

    private static Result<ServedCommand> Refuse(string reason) => Result<ServedCommand>.Fail(reason);

    // Resume tokens are "1-" followed by hex and dashes.
    [GeneratedRegex(@"^[0-9a-f]+-[0-9a-f-]{1,8192}\z")]
    private static partial Regex ResumeTokenPattern();
}
