using System.Diagnostics;

namespace ZfsAnsible.Testing;

/// <summary>Where a module on a target reaches the same target over real ssh: host, port and a private key there.</summary>
public sealed record LoopbackSsh(string Host, int Port, string KeyPath)
{
    /// <summary>The module options that make zfs_replicate use it (a throwaway host key: not checked).</summary>
    public string ModuleOptions(string indent) => string.Join('\n',
        $"{indent}remote_host: {Host}",
        $"{indent}remote_port: {Port}",
        $"{indent}ssh_key: {KeyPath}",
        $"{indent}ssh_options: [StrictHostKeyChecking=no, UserKnownHostsFile=/dev/null, LogLevel=ERROR]");

    public string[] CliOptions() =>
        ["--remote-host", Host, "--remote-port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ssh-key", KeyPath,
         "--ssh-option", "StrictHostKeyChecking=no", "--ssh-option", "UserKnownHostsFile=/dev/null", "--ssh-option", "LogLevel=ERROR"];
}

/// <summary>
/// A real sshd of the test's own on 127.0.0.1 (a free port, its own host key and authorized key, nothing of the
/// machine's ssh configuration touched), for replication through ssh on this machine. Stopped on Dispose.
/// </summary>
public sealed class LocalSshd : IDisposable
{
    private readonly string _directory;
    private readonly Process _sshd;

    public LocalSshd()
    {
        _directory = Directory.CreateTempSubdirectory("zfsansible-sshd-").FullName;
        Directory.CreateDirectory("/run/sshd"); // sshd's privilege separation directory
        Processes.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", Path.Combine(_directory, "host_key"));
        Processes.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", Path.Combine(_directory, "client_key"));
        File.Copy(Path.Combine(_directory, "client_key.pub"), Path.Combine(_directory, "authorized_keys"));
        Port = Loopback.FreePort();
        var config = Path.Combine(_directory, "sshd_config");
        File.WriteAllLines(config,
        [
            $"Port {Port}",
            "ListenAddress 127.0.0.1",
            $"HostKey {_directory}/host_key",
            $"AuthorizedKeysFile {_directory}/authorized_keys",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            $"PidFile {_directory}/sshd.pid",
        ]);
        _sshd = Process.Start(new ProcessStartInfo("/usr/sbin/sshd", ["-D", "-E", LogPath, "-f", config]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("sshd did not start");
        Endpoint = new LoopbackSsh("127.0.0.1", Port, Path.Combine(_directory, "client_key"));
        for (var attempt = 0; ; attempt++)
        {
            var probe = Processes.Run("ssh", ["-i", Endpoint.KeyPath, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "root@127.0.0.1", "true"]);
            if (probe.ExitCode == 0)
            {
                break;
            }

            if (attempt == 50 || _sshd.HasExited)
            {
                Dispose();
                throw new InvalidOperationException($"the test sshd on 127.0.0.1:{Port} does not answer: {probe}");
            }

            Thread.Sleep(100);
        }
    }

    public int Port { get; }

    /// <summary>The inventory variables of a host reached as root through this sshd, each line indented by <paramref name="indent"/>.</summary>
    public string AnsibleVariables(string indent) => string.Join('\n', new[]
    {
        "ansible_host: 127.0.0.1",
        $"ansible_port: {Port}",
        "ansible_user: root",
        $"ansible_ssh_private_key_file: {Endpoint.KeyPath}",
        "ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
    }.Select(line => indent + line));

    private string LogPath => Path.Combine(_directory, "sshd.log");

    /// <summary>Connections this sshd has authenticated so far (a multiplexed session is not one).</summary>
    public int Logins => File.Exists(LogPath) ? File.ReadLines(LogPath).Count(line => line.Contains("Accepted publickey", StringComparison.Ordinal)) : 0;

    public LoopbackSsh Endpoint { get; }

    /// <summary>
    /// A second key, authorized with <paramref name="options"/> (e.g. restrict,command="…"), as the backup server's
    /// key is authorized on a source.
    /// </summary>
    public LoopbackSsh AuthorizeKey(string name, string options)
    {
        var key = Path.Combine(_directory, name);
        Processes.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-f", key);
        File.AppendAllText(Path.Combine(_directory, "authorized_keys"), $"{options} {File.ReadAllText(key + ".pub").Trim()}\n");
        return Endpoint with { KeyPath = key };
    }

    public void Dispose()
    {
        if (!_sshd.HasExited)
        {
            _sshd.Kill(entireProcessTree: true);
            _sshd.WaitForExit();
        }

        _sshd.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
