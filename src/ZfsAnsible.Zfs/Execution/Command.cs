using System.Collections.Immutable;

namespace ZfsAnsible.Zfs.Execution;

/// <summary>
/// A program and its argument vector, as an immutable value. There is no shell anywhere:
/// each argument reaches the program exactly as written here.
/// </summary>
public sealed record Command(string Program, ImmutableArray<string> Arguments)
{
    public static Command Of(string program, params IEnumerable<string> arguments) => new(program, [.. arguments]);

    /// <summary>A copy with more arguments at the end.</summary>
    public Command WithArguments(params IEnumerable<string> more) => this with { Arguments = Arguments.AddRange(more) };

    /// <summary>For people: the command line as one would type it, quoted where needed.</summary>
    public override string ToString() => string.Join(' ', new[] { Program }.Concat(Arguments).Select(Quote));

    public bool Equals(Command? other) => other is not null && Program == other.Program && Arguments.SequenceEqual(other.Arguments);

    public override int GetHashCode() => HashCode.Combine(Program, Arguments.Length);

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,%+".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>How a command ended.</summary>
public sealed record CommandResult(Command Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>stderr as one line: zfs-fuse appends its whole usage text to errors, which nobody needs in msg.</summary>
    public string ErrorSummary
    {
        get
        {
            var lines = StandardError.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .TakeWhile(line => !line.StartsWith("usage:", StringComparison.OrdinalIgnoreCase))
                .ToArray();
            return lines.Length == 0 ? StandardOutput.Trim().ReplaceLineEndings(" ") : string.Join(' ', lines);
        }
    }
}

/// <summary>Runs commands. The real one starts processes; tests substitute scripted answers.</summary>
public interface ICommandRunner
{
    /// <summary>Runs to completion. A program that cannot be started is reported as exit code 127.</summary>
    CommandResult Run(Command command);
}
