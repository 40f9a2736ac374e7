using System.Collections.Frozen;
using System.Text.RegularExpressions;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;

namespace ZfsAnsible.Zfs.Execution;

/// <summary>
/// The "-o Key=value" options a user may add to ssh: an allow-list of options that only tune the connection and
/// host-key checking. Everything else is refused, because ssh_config(5) has options that run a local command
/// (ProxyCommand, LocalCommand, KnownHostsCommand, Match exec), load a library into ssh (PKCS11Provider,
/// SecurityKeyProvider), read more configuration (Include) or change what runs where; the known ones are refused
/// with their reason, the unknown ones because they are not on the list.
/// </summary>
public static partial class SshOptions
{
    private static readonly FrozenSet<string> Allowed = new[]
    {
        "AddressFamily", "CASignatureAlgorithms", "CheckHostIP", "Ciphers", "Compression", "ConnectionAttempts", "ConnectTimeout",
        "FingerprintHash", "GlobalKnownHostsFile", "HashKnownHosts", "HostKeyAlgorithms", "HostKeyAlias", "IPQoS", "KexAlgorithms",
        "LogLevel", "MACs", "PubkeyAcceptedAlgorithms", "PubkeyAcceptedKeyTypes", "RekeyLimit", "RequiredRSASize", "ServerAliveCountMax",
        "ServerAliveInterval", "StrictHostKeyChecking", "TCPKeepAlive", "UpdateHostKeys", "UserKnownHostsFile", "VerifyHostKeyDNS",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> Refused = new Dictionary<string, string>
    {
        ["ProxyCommand"] = "it runs a local command through /bin/sh",
        ["LocalCommand"] = "it runs a local command after connecting",
        ["PermitLocalCommand"] = "it lets LocalCommand run a local command",
        ["KnownHostsCommand"] = "it runs a local command to list host keys",
        ["Match"] = "its exec criterion runs a local command",
        ["Include"] = "it reads another configuration file, which may hold any option",
        ["PKCS11Provider"] = "it loads a shared library into ssh",
        ["SecurityKeyProvider"] = "it loads a shared library into ssh",
        ["ProxyJump"] = "it starts another ssh through a proxy command (put a bastion in the ssh configuration of the user that runs the replication)",
        ["RemoteCommand"] = "it replaces the command the replication sends",
        ["ControlMaster"] = "it can leave a master connection running after the replication",
        ["ControlPath"] = "it shares a connection socket with other programs",
        ["ControlPersist"] = "it leaves a master connection running after the replication",
        ["IdentityFile"] = "use ssh_key",
        ["IdentityAgent"] = "use ssh_key",
        ["CertificateFile"] = "use ssh_key",
        ["Hostname"] = "use remote_host",
        ["User"] = "use remote_user",
        ["Port"] = "use remote_port",
        ["BatchMode"] = "it is always yes: a replication never prompts",
        ["ForwardAgent"] = "a replication forwards nothing",
        ["ForwardX11"] = "a replication forwards nothing",
        ["LocalForward"] = "a replication forwards nothing",
        ["RemoteForward"] = "a replication forwards nothing",
        ["DynamicForward"] = "a replication forwards nothing",
        ["Tunnel"] = "a replication forwards nothing",
        ["SendEnv"] = "it changes the remote command's environment",
        ["SetEnv"] = "it changes the remote command's environment",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The allowed options' names, for messages and documentation.</summary>
    public static IEnumerable<string> AllowedNames => Allowed.Order(StringComparer.Ordinal);

    /// <summary>Null when <paramref name="option"/> is an allowed "Key=value"; otherwise why not, naming the option.</summary>
    public static Error? Check(string option)
    {
        var match = Form().Match(option);
        var key = match.Success ? match.Groups["key"].Value : string.Empty;
        if (Refused.TryGetValue(key, out var reason))
        {
            return new Error($"ssh_options: {key} is refused: {reason}");
        }

        if (!match.Success || !Value().IsMatch(match.Groups["value"].Value))
        {
            return new Error($"ssh_options: '{ZfsNames.Printable(option)}' is not an ssh option of the form Key=value (no spaces; value of letters, digits and ._,:/@+%=~-)");
        }

        return Allowed.Contains(key)
            ? null
            : new Error($"ssh_options: {key} is not one of the allowed options ({string.Join(", ", AllowedNames)})");
    }

    [GeneratedRegex(@"^(?<key>[A-Za-z][A-Za-z0-9]{0,63})=(?<value>.*)\z", RegexOptions.Singleline)]
    private static partial Regex Form();

    [GeneratedRegex(@"^[A-Za-z0-9._,:/@+%=~\-]{1,512}\z")]
    private static partial Regex Value();
}
