using System.Collections.Immutable;

namespace ZfsAnsible.Zfs.Execution;

/// <summary>Another host, reached with the system's ssh client in batch mode (keys only, never a password prompt).</summary>
/// <param name="Options">Extra "-o Key=Value" options, for example StrictHostKeyChecking=accept-new.</param>
public sealed record SshEndpoint(string Host, string User, int Port, string? KeyPath, ImmutableArray<string> Options)
{
    public override string ToString() => $"{User}@{Host}:{Port}";

    /// <summary>The ssh command that runs <paramref name="command"/> on the host.</summary>
    /// <remarks>
    /// ssh joins the words after the host into one line for the remote shell, so each word is single-quoted there:
    /// it arrives as exactly one argument, whatever it holds. env gives the remote command what the local runner
    /// gives local ones: the C locale (parsers read English) and the sbin directories (a non-login PATH lacks them).
    /// </remarks>
    public Command Wrap(Command command) =>
        Command.Of("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=15", "-o", "ServerAliveInterval=15", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithArguments(KeyPath is null ? [] : ["-i", KeyPath, "-o", "IdentitiesOnly=yes"])
            .WithArguments(Options.SelectMany(o => new[] { "-o", o }))
            .WithArguments($"{User}@{Host}", "--")
            .WithArguments(RemoteEnvironment.Concat([command.Program]).Concat(command.Arguments).Select(Quote));

    private static readonly string[] RemoteEnvironment = ["env", "LC_ALL=C", "PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin"];

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>Runs every command on an <see cref="SshEndpoint"/>: the ZFS layer reads a remote host as it reads this one.</summary>
public sealed class SshCommandRunner(ICommandRunner local, SshEndpoint endpoint) : ICommandRunner
{
    public SshEndpoint Endpoint => endpoint;

    public CommandResult Run(Command command)
    {
        var result = local.Run(endpoint.Wrap(command));
        // Report the command as the user thinks of it, and where it ran (255 is ssh's own failure).
        return result.Succeeded ? result with { Command = command } : result with
        {
            Command = command,
            StandardError = result.ExitCode == 255 ? $"ssh to {endpoint}: {result.StandardError}" : $"(on {endpoint.Host}) {result.StandardError}",
        };
    }
}
