using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Testing;

/// <summary>
/// Answers commands from a script keyed by the command line; records what ran; unknown commands fail loudly. Safe to
/// call from several threads, as the real runner is (read-only queries run concurrently).
/// </summary>
public sealed class ScriptedRunner : ICommandRunner
{
    private readonly Dictionary<string, (int Exit, string Out, string Err)> _answers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public List<Command> Ran { get; } = [];

    /// <summary>For a command whose answer changes between calls: returns its stdout (exit 0), or null to use the script.</summary>
    public Func<Command, string?>? Dynamic { get; set; }

    /// <summary>Where each program would be as a file of this host (a probe's cache keys on it); null: no local files.</summary>
    public Func<string, string?>? Programs { get; set; }

    public string? LocalProgram(string program) => Programs?.Invoke(program);

    public ScriptedRunner On(string commandLine, string stdout = "", int exit = 0, string stderr = "")
    {
        _answers[commandLine] = (exit, stdout, stderr);
        return this;
    }

    public CommandResult Run(Command command)
    {
        lock (_lock)
        {
            Ran.Add(command);
            if (Dynamic?.Invoke(command) is { } output)
            {
                return new CommandResult(command, 0, output, string.Empty);
            }

            return _answers.TryGetValue(command.ToString(), out var answer)
                ? new CommandResult(command, answer.Exit, answer.Out, answer.Err)
                : new CommandResult(command, 99, string.Empty, $"unscripted command: {command}");
        }
    }
}
