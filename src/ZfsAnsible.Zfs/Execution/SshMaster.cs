namespace ZfsAnsible.Zfs.Execution;

/// <summary>
/// One ssh connection for a whole run: every command to the other host (the probes, the listings, holds, the
/// stream) goes through it instead of a handshake of its own. The run owns it and closes it on Dispose; should the
/// run be killed outright, the master ends by itself once it has had no client for <see cref="Idle"/>. When the
/// master cannot start, the endpoint is returned unchanged: every command connects on its own and reports ssh's error.
/// </summary>
public sealed class SshMaster : IDisposable
{
    /// <summary>How long a master with no client waits before it ends; longer than any pause between a run's commands.</summary>
    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);

    private readonly ICommandRunner _local;
    private readonly string? _directory;

    private SshMaster(ICommandRunner local, SshEndpoint endpoint, string? directory)
    {
        _local = local;
        Endpoint = endpoint;
        _directory = directory;
    }

    /// <summary>The endpoint to use for the run's commands: multiplexed over the master when it started.</summary>
    public SshEndpoint Endpoint { get; }

    public bool IsConnected => _directory is not null;

    public static SshMaster Open(ICommandRunner local, SshEndpoint endpoint)
    {
        // A directory of our own (mode 0700): nobody else can reach the socket or put one in its place.
        var directory = Directory.CreateTempSubdirectory("zfsansible-ssh-").FullName;
        var socket = Path.Combine(directory, "master");
        if (local.Run(endpoint.MasterCommand(socket, Idle)).Succeeded)
        {
            return new SshMaster(local, endpoint.Multiplexed(socket), directory);
        }

        Directory.Delete(directory, recursive: true);
        return new SshMaster(local, endpoint, null);
    }

    public void Dispose()
    {
        if (_directory is null)
        {
            return;
        }

        _local.Run(Endpoint.ExitCommand());
        Directory.Delete(_directory, recursive: true);
    }
}
