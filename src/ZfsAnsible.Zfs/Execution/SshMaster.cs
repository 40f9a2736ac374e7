namespace ZfsAnsible.Zfs.Execution;

/// <summary>
/// One ssh connection for a whole run: every command to the other host (the probes, the listings, holds, the
/// stream) goes through it instead of a handshake of its own. The run owns it and closes it on Dispose; should the
/// run be killed outright, the master ends by itself once it has had no client for <see cref="Idle"/>. Once the run
/// is told to stop, it is closed after <see cref="Grace"/> unless the run has closed it by then.
/// </summary>
public sealed class SshMaster : IDisposable
{
    /// <summary>How long a master with no client waits before it ends: far longer than any pause between a run's commands.</summary>
    public static readonly TimeSpan Idle = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a stopped run's commands on the other host get to end by themselves. A command over a dead link waits
    /// for ssh's keepalives (about 45 s), one on a hung host (a suspended pool) for ever; closing the connection ends
    /// them at once, and the run with them.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    // ssh binds "<path>.<16 random characters>" first; a Unix socket path has at most 107 bytes.
    private const int MaxSocketPath = 80;

    private readonly ICommandRunner _local;
    private readonly string? _directory;
    private readonly CancellationTokenSource _disposed = new();
    private readonly CancellationTokenRegistration _onStop;
    private int _closed;

    private SshMaster(ICommandRunner local, SshEndpoint endpoint, string? directory, string? failure, TimeSpan grace = default, CancellationToken stop = default)
    {
        _local = local;
        Endpoint = endpoint;
        _directory = directory;
        Failure = failure;
        if (directory is not null)
        {
            _onStop = stop.Register(() => Task.Delay(grace, _disposed.Token).ContinueWith(
                _ => Close(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default));
        }
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
    /// <param name="stop">The run's cancellation: <see cref="Grace"/> after it, the connection is closed.</param>
    public static SshMaster Open(ICommandRunner local, SshEndpoint endpoint, CancellationToken stop) => Open(local, endpoint, Grace, stop);

    /// <inheritdoc cref="Open(ICommandRunner, SshEndpoint, CancellationToken)"/>
    /// <param name="grace">How long after <paramref name="stop"/> the connection is closed.</param>
    public static SshMaster Open(ICommandRunner local, SshEndpoint endpoint, TimeSpan grace, CancellationToken stop)
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
            return new SshMaster(local, endpoint.Multiplexed(socket), directory, null, grace, stop);
        }

        DeleteQuietly(directory);
        var failure = started.ExitCode == 255 ? $"ssh to {endpoint}: {start.Mask(started.StandardError).Trim().ReplaceLineEndings("; ")}" : null;
        return new SshMaster(local, endpoint, null, failure);
    }

    public void Dispose()
    {
        _onStop.Dispose(); // no hang-up is scheduled from here on; one already waiting is called off
        _disposed.Cancel();
        _disposed.Dispose();
        if (_directory is not null)
        {
            Close();
            DeleteQuietly(_directory);
        }
    }

    /// <summary>Ends the connection, and every command still running through it, once only.</summary>
    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _local.Run(Endpoint.ExitCommand());
        }
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
