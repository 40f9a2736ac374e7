using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Collections;
using ZfsAnsible.Domain.Naming;

namespace ZfsAnsible.Zfs.Execution;

/// <summary>
/// Another host, reached with the system's ssh client in batch mode (keys only, never a password prompt). Made only
/// through <see cref="Create"/>, which checks every word that reaches ssh's command line: no host, user, key path or
/// option can become an ssh option of its own or run a command.
/// </summary>
/// <param name="Options">Extra "-o Key=Value" options from <see cref="SshOptions"/>' allow-list, e.g. StrictHostKeyChecking=accept-new.</param>
public sealed partial record SshEndpoint
{
    private SshEndpoint(string host, string user, int port, string? keyPath, ValueArray<string> options)
    {
        Host = host;
        User = user;
        Port = port;
        KeyPath = keyPath;
        Options = options;
    }

    public string Host { get; }

    public string User { get; }

    public int Port { get; }

    public string? KeyPath { get; }

    public ValueArray<string> Options { get; }

    /// <summary>The control socket of a master connection this endpoint's commands share (<see cref="SshMaster"/>), or null.</summary>
    public string? ControlPath { get; private init; }

    /// <summary>The same endpoint, its commands sent through the master connection listening on <paramref name="controlPath"/>.</summary>
    public SshEndpoint Multiplexed(string controlPath) => new(Host, User, Port, KeyPath, Options) { ControlPath = controlPath };

    /// <summary>Checks every value, naming each problem (in the module's option names), before anything reaches ssh.</summary>
    public static Result<SshEndpoint> Create(string host, string user, long port, string? keyPath, IEnumerable<string> options) =>
        Optional(host, user, port, keyPath, options).Map(endpoint => endpoint!);

    /// <summary>
    /// The endpoint of <paramref name="host"/>, or none without a host (both ends local). The ssh settings are
    /// checked either way: a typo there is still a typo.
    /// </summary>
    public static Result<SshEndpoint?> Optional(string? host, string user, long port, string? keyPath, IEnumerable<string> options)
    {
        var problems = new List<string>();
        if (host is not null && !HostPattern().IsMatch(host))
        {
            problems.Add($"remote_host '{ZfsNames.Printable(host)}' is not a host name or address");
        }

        if (!UserPattern().IsMatch(user))
        {
            problems.Add($"remote_user '{ZfsNames.Printable(user)}' is not a user name");
        }

        if (port is < 1 or > 65535)
        {
            problems.Add($"remote_port must be between 1 and 65535, got {port}");
        }

        if (keyPath is not null && (!Path.IsPathFullyQualified(keyPath) || keyPath.Any(char.IsControl)))
        {
            problems.Add("ssh_key must be an absolute path");
        }

        var list = options.ToImmutableArray();
        problems.AddRange(list.Select(SshOptions.Check).OfType<Error>().Select(e => e.Message));
        return Result.From(problems, () => host is null ? null : new SshEndpoint(host, user, (int)port, keyPath, list));
    }

    public override string ToString() => $"{User}@{Host}:{Port}";

    /// <summary>The ssh command that runs <paramref name="command"/> on the host.</summary>
    /// <remarks>
    /// ssh joins the words after the host into one line for the remote shell, so each word is single-quoted there:
    /// it arrives as exactly one argument, whatever it holds. env gives the remote command what the local runner
    /// gives local ones: the C locale (parsers read English) and the sbin directories (a non-login PATH lacks them).
    /// The key path and the options are secret arguments: no display of the command shows them.
    /// </remarks>
    public Command Wrap(Command command)
    {
        var ssh = Ssh(ControlPath is null ? [] : ["-S", ControlPath, "-o", "ControlMaster=no"])
            .WithArguments("--").WithArguments(RemoteEnvironment.Concat([command.Program]).Select(Quote));
        foreach (var argument in command.Arguments)
        {
            // A secret of the remote command stays one: its quoted form is masked too.
            ssh = command.Secrets.Contains(argument) ? ssh.WithSecretArguments(Quote(argument)) : ssh.WithArguments(Quote(argument));
        }

        return ssh;
    }

    /// <summary>
    /// Starts a master connection on <paramref name="controlPath"/> and returns once it is authenticated (-f): no
    /// command, no terminal, its stdio on /dev/null. It ends by itself after <paramref name="idle"/> without a client,
    /// so even a run killed outright leaves nothing behind for long.
    /// </summary>
    public Command MasterCommand(string controlPath, TimeSpan idle) =>
        Ssh(["-M", "-N", "-f", "-S", controlPath, "-o", $"ControlPersist={(int)idle.TotalSeconds}"]);

    /// <summary>Tells the master connection on <see cref="ControlPath"/> to close now.</summary>
    public Command ExitCommand() => Ssh(["-S", ControlPath ?? throw new InvalidOperationException("not multiplexed"), "-O", "exit"]);

    /// <summary>ssh with this endpoint's connection settings, then <paramref name="connection"/>, then user@host.</summary>
    private Command Ssh(string[] connection)
    {
        var ssh = Command.Of("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=15", "-o", "ServerAliveInterval=15", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (KeyPath is not null)
        {
            ssh = ssh.WithArguments("-i").WithSecretArguments(KeyPath).WithArguments("-o", "IdentitiesOnly=yes");
        }

        foreach (var option in Options)
        {
            ssh = ssh.WithArguments("-o").WithSecretArguments(option);
        }

        return ssh.WithArguments(connection).WithArguments($"{User}@{Host}");
    }

    // Host names, IPv4 and IPv6 literals; never a leading '-' (ssh would read an option).
    [GeneratedRegex(@"^[A-Za-z0-9\[][A-Za-z0-9.:\-\[\]]{0,252}\z")]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^[a-z_][a-z0-9_.\-]{0,31}\z")]
    private static partial Regex UserPattern();

    private static readonly string[] RemoteEnvironment = ["env", "LC_ALL=C", "PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin"];

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>Runs every command on an <see cref="SshEndpoint"/>: the ZFS layer reads a remote host as it reads this one.</summary>
public sealed class SshCommandRunner(ICommandRunner local, SshEndpoint endpoint) : ICommandRunner
{
    public SshEndpoint Endpoint => endpoint;

    public CommandResult Run(Command command)
    {
        var wrapped = endpoint.Wrap(command);
        var result = local.Run(wrapped);
        // Report the command as the user thinks of it, and where it ran (255 is ssh's own failure); ssh's own
        // warnings may name the key file.
        var stderr = wrapped.Mask(result.StandardError);
        return result.Succeeded ? result with { Command = command, StandardError = stderr } : result with
        {
            Command = command,
            // A multiplexed session whose connection was closed under it (a stopped run) ends with nothing to say.
            StandardError = result.ExitCode == 255 ? $"ssh to {endpoint}: {(string.IsNullOrWhiteSpace(stderr) ? "the connection was closed" : stderr)}" : $"(on {endpoint.Host}) {stderr}",
        };
    }
}
