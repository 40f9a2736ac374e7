namespace ZfsAnsible.Zfs.Execution;

/// <summary>
/// One ssh connection for a whole run: every command to the other host (the probes, the listings, holds, the
/// stream) goes through it instead of a handshake of its own. The run owns it and closes it on Dispose; should the
/// run be killed outright, the master ends by itself once it has had no client for <see cref="Idle"/>.
/// </summary>
public sealed class SshMaster : IDisposable
{
    /// <summary>How long a master with no client waits before it ends: far longer than any pause between a run's commands.</summary>
    public static readonly TimeSpan Idle = TimeSpan.FromMinutes(2);

    // ssh binds "<path>.<16 random characters>" first; a Unix socket path has at most 107 bytes.
    private const int MaxSocketPath = 80;

    private readonly ICommandRunner _local;
    private readonly string? _directory;

    private SshMaster(ICommandRunner local, SshEndpoint endpoint, string? directory, string? failure)
    {
        _local = local;
        Endpoint = endpoint;
        _directory = directory;
        Failure = failure;
    }

    /// <summary>The endpoint to use for the run's commands: multiplexed over the master when it started.</summary>
    public SshEndpoint Endpoint { get; }

    public bool IsConnected => _directory is not null;

    /// <summary>Why the host cannot be reached (ssh's own words), when the master could not connect; the run stops there.</summary>
    public string? Failure { get; }

    /// <summary>
    /// Starts the master. When ssh cannot connect (exit 255) that is the answer, in the words every command would give;
    /// when only the master's own setting-up fails (no usable temporary directory), the commands connect one by one.
    /// </summary>
    public static SshMaster Open(ICommandRunner local, SshEndpoint endpoint)
    {
        string directory;
        try
        {
            // A directory of our own (mode 0700): nobody else can reach the socket or put one in its place.
            directory = Directory.CreateTempSubdirectory("zfsansible-ssh-").FullName;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new SshMaster(local, endpoint, null, null);
        }

        var socket = Path.Combine(directory, "master");
        if (socket.Length > MaxSocketPath)
        {
            DeleteQuietly(directory);
            return new SshMaster(local, endpoint, null, null);
        }

        var start = endpoint.MasterCommand(socket, Idle);
        var started = local.RunDetaching(start);
        if (started.Succeeded && File.Exists(socket))
        {
            return new SshMaster(local, endpoint.Multiplexed(socket), directory, null);
        }

        DeleteQuietly(directory);
        var failure = started.ExitCode == 255 ? $"ssh to {endpoint}: {start.Mask(started.StandardError).Trim().ReplaceLineEndings("; ")}" : null;
        return new SshMaster(local, endpoint, null, failure);
    }

    public void Dispose()
    {
        if (_directory is null)
        {
            return;
        }

        _local.Run(Endpoint.ExitCommand());
        DeleteQuietly(_directory);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A temporary directory left behind must not turn a finished run into a failed one.
        }
    }
}
