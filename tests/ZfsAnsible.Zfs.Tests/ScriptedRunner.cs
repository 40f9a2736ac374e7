using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs.Tests;

/// <summary>Answers commands from a script keyed by the command line; records what ran; unknown commands fail loudly.</summary>
public sealed class ScriptedRunner : ICommandRunner
{
    private readonly Dictionary<string, (int Exit, string Out, string Err)> _answers = new(StringComparer.Ordinal);

    public List<Command> Ran { get; } = [];

    public ScriptedRunner On(string commandLine, string stdout = "", int exit = 0, string stderr = "")
    {
        _answers[commandLine] = (exit, stdout, stderr);
        return this;
    }

    public CommandResult Run(Command command)
    {
        Ran.Add(command);
        return _answers.TryGetValue(command.ToString(), out var answer)
            ? new CommandResult(command, answer.Exit, answer.Out, answer.Err)
            : new CommandResult(command, 99, string.Empty, $"unscripted command: {command}");
    }
}
