using ZfsAnsible.Domain.Collections;

namespace ZfsAnsible.Zfs.Execution;

/// <summary>
/// A program and its argument vector, as an immutable value. There is no shell anywhere:
/// each argument reaches the program exactly as written here.
/// </summary>
/// <param name="Secrets">Arguments never shown to people (an ssh key path, ssh options): <see cref="ToString"/> masks them.</param>
public sealed record Command(string Program, ValueArray<string> Arguments, ValueArray<string> Secrets = default)
{
    /// <summary>Text written to the program's stdin (a channel program's script); null for none.</summary>
    public string? Input { get; init; }

    public const string Masked = "<secret>";

    public static Command Of(string program, params IEnumerable<string> arguments) => new(program, [.. arguments]);

    /// <summary>A copy with more arguments at the end.</summary>
    public Command WithArguments(params IEnumerable<string> more) => this with { Arguments = [.. Arguments, .. more] };

    /// <summary>A copy that is given <paramref name="input"/> on its stdin.</summary>
    public Command WithInput(string input) => this with { Input = input };

    /// <summary>A copy with more arguments at the end that no display of the command ever shows.</summary>
    public Command WithSecretArguments(params IEnumerable<string> more)
    {
        var secret = more.ToList();
        return this with { Arguments = [.. Arguments, .. secret], Secrets = [.. Secrets, .. secret] };
    }

    /// <summary>For people: the command line as one would type it, quoted where needed, secrets masked.</summary>
    public override string ToString() =>
        string.Join(' ', new[] { Program }.Concat(Arguments.Select(a => Secrets.Contains(a) ? Masked : a)).Select(Quote));

    /// <summary>Text a run of this command printed, with its secrets masked.</summary>
    public string Mask(string text) =>
        Secrets.Where(s => s.Length > 0).Aggregate(text, (masked, secret) => masked.Replace(secret, Masked, StringComparison.Ordinal));

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,%+".Contains(c, StringComparison.Ordinal)) || word == Masked
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>How a command ended.</summary>
public sealed record CommandResult(Command Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>
    /// stderr as one line: zfs-fuse appends its whole usage text to errors and a failed channel program its Lua stack
    /// traceback, which nobody needs in msg. The command's
    /// secrets are masked here too: ssh names its key file in its own warnings.
    /// </summary>
    public string ErrorSummary
    {
        get
        {
            var lines = StandardError.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .TakeWhile(line => !line.StartsWith("usage:", StringComparison.OrdinalIgnoreCase) && !line.StartsWith("stack traceback:", StringComparison.Ordinal))
                .ToArray();
            var summary = lines.Length == 0 ? StandardOutput.Trim().ReplaceLineEndings(" ") : string.Join(' ', lines);
            return Command.Mask(summary);
        }
    }

    /// <summary>"COMMAND failed (exit N): stderr", the command shown with its secrets masked.</summary>
    public string FailureSummary => FailureSummaryAs(Command.ToString());

    /// <summary>The same, with the command shown as the report shows it (e.g. "ssh root@host zfs recv …").</summary>
    public string FailureSummaryAs(string shown) => $"{shown} failed (exit {ExitCode}): {ErrorSummary}";
}

/// <summary>
/// Runs commands. The real one starts processes; tests substitute scripted answers. Every runner may be called from
/// several threads at once: read-only queries run concurrently.
/// </summary>
public interface ICommandRunner
{
    /// <summary>Runs to completion. A program that cannot be started is reported as exit code 127.</summary>
    CommandResult Run(Command command);

    /// <summary>
    /// Runs a command that leaves a daemon behind (ssh -f): to the command's own exit, never to the end of its output,
    /// which the daemon may still hold (OpenSSH before 8.5 keeps it). Its stderr is read only when it failed.
    /// </summary>
    CommandResult RunDetaching(Command command) => Run(command);

    /// <summary>
    /// The file this runner would start for <paramref name="program"/> when it runs programs of this host; null when
    /// they run elsewhere (ssh) or are answered without a program (tests). What a probe's cached answer is keyed on.
    /// </summary>
    string? LocalProgram(string program) => null;

    /// <summary>
    /// Runs to completion, handing each line of standard output to <paramref name="line"/> as it comes instead of keeping
    /// the output (a listing of 100,000 snapshots would be tens of megabytes); the result's StandardOutput is empty.
    /// Runners that only have the whole output (ssh, scripted answers) hand it over line by line once it is there.
    /// </summary>
    CommandResult RunLines(Command command, LineHandler line)
    {
        var result = Run(command);
        using var reader = new StringReader(result.StandardOutput);
        OutputLines.Read(reader, line);
        return result with { StandardOutput = string.Empty };
    }
}
