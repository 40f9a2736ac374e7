using System.Text;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>
/// The built zfs_replicate binaries, both architectures: hostile and broken input gets one clean failure, no
/// dataset is created, no shell runs, and the ssh key path (a secret) is never printed.
/// </summary>
public class ZfsReplicateContractTests
{
    private static IEnumerable<(string Case, string Args, string Reason)> Corpus()
    {
        const string Root = "\"target_root\": \"{pool}/backup\"";
        yield return ("not json", "target_root=x", "not valid JSON");
        yield return ("unknown key", "{" + Root + ", \"colour\": 1}", "Unsupported parameters for (zfs_replicate) module: colour");
        yield return ("no target_root", "{\"datasets\": [\"{pool}/a\"]}", "missing required arguments: target_root");
        yield return ("target_root an option", "{\"target_root\": \"-F\"}", "target_root:");
        yield return ("target_root with shell", "{\"target_root\": \"{pool}/b;touch /tmp/zfsansible-pwned\"}", "not allowed");
        yield return ("dataset with substitution", "{" + Root + ", \"datasets\": [\"{pool}/$(touch /tmp/zfsansible-pwned)\"]}", "not allowed");
        yield return ("host is an ssh option", "{" + Root + ", \"remote_host\": \"-oProxyCommand=touch /tmp/zfsansible-pwned\"}", "is not a host name or address");
        yield return ("host with shell", "{" + Root + ", \"remote_host\": \"h;touch /tmp/zfsansible-pwned\"}", "is not a host name or address");
        yield return ("user with shell", "{" + Root + ", \"remote_host\": \"h\", \"remote_user\": \"root;id\"}", "is not a user name");
        yield return ("port out of range", "{" + Root + ", \"remote_port\": 70000}", "remote_port must be between 1 and 65535, got 70000");
        yield return ("port not a number", "{" + Root + ", \"remote_port\": \"ssh\"}", "remote_port");
        yield return ("relative key", "{" + Root + ", \"ssh_key\": \"id_ed25519\"}", "ssh_key must be an absolute path");
        yield return ("ssh option as a flag", "{" + Root + ", \"ssh_options\": [\"-F/etc/passwd\"]}", "is not an ssh option of the form Key=value");
        yield return ("ssh ProxyCommand with spaces", "{" + Root + ", \"ssh_options\": [\"ProxyCommand=touch /tmp/zfsansible-pwned\"]}", "ProxyCommand is refused");
        yield return ("ssh option with spaces", "{" + Root + ", \"ssh_options\": [\"HostKeyAlias=a b\"]}", "is not an ssh option of the form Key=value");
        // ssh runs these through /bin/sh or loads them, even when the connection then fails: refused by name, never passed on.
        const string Remote = "\"remote_host\": \"127.0.0.1\", \"datasets\": [\"{pool}/a\"], \"lock_dir\": \"/tmp/zfsansible-contract-locks\"";
        yield return ("ssh ProxyCommand", "{" + Root + ", " + Remote + ", \"ssh_options\": [\"ProxyCommand=touch${IFS}/tmp/zfsansible-pwned\"]}", "ssh_options: ProxyCommand is refused: it runs a local command");
        yield return ("ssh LocalCommand", "{" + Root + ", " + Remote + ", \"ssh_options\": [\"PermitLocalCommand=yes\", \"LocalCommand=touch${IFS}/tmp/zfsansible-pwned\"]}", "LocalCommand is refused");
        yield return ("ssh KnownHostsCommand", "{" + Root + ", " + Remote + ", \"ssh_options\": [\"KnownHostsCommand=/usr/bin/touch${IFS}/tmp/zfsansible-pwned\"]}", "KnownHostsCommand is refused");
        yield return ("ssh option in lower case", "{" + Root + ", " + Remote + ", \"ssh_options\": [\"proxycommand=touch${IFS}/tmp/zfsansible-pwned\"]}", "proxycommand is refused");
        yield return ("ssh option not allowed", "{" + Root + ", " + Remote + ", \"ssh_options\": [\"EscapeChar=none\"]}", "EscapeChar is not one of the allowed options");
        yield return ("bad rate", "{" + Root + ", \"bandwidth_limit\": \"fast\"}", "bandwidth_limit 'fast' is not a rate");
        yield return ("bad direction", "{" + Root + ", \"direction\": \"sideways\"}", "value of direction must be one of: pull, push, got: sideways");
        yield return ("lock dir is a file", "{" + Root + ", \"datasets\": [\"{pool}/a\"], \"lock_dir\": \"/etc/hostname/locks\"}",
            "cannot use the lock directory /etc/hostname/locks: /etc/hostname is a file, not a directory");
        yield return ("replica retention not a mapping", "{" + Root + ", \"replica_retention\": {\"critical\": \"forever\"}}", "'snapshots' must be a mapping of interval to count");
        yield return ("replica retention negative", "{" + Root + ", \"replica_retention\": {\"*\": {\"monthly\": -1}}}", "snapshots.monthly must be a whole number from 0");
        yield return ("replica retention unknown interval", "{" + Root + ", \"replica_retention\": {\"*\": {\"fortnightly\": 2}}}", "unknown interval 'fortnightly'");
        yield return ("relative lock dir", "{" + Root + ", \"lock_dir\": \"locks\"}", "lock_dir must be an absolute path");
        yield return ("missing source", "{" + Root + ", \"datasets\": [\"{pool}/nothing\"], \"lock_dir\": \"/tmp/zfsansible-contract-locks\"}", "{pool}/nothing");
    }

    public static TheoryData<string, string> BadInputs() => BothArchitectures.Times(Corpus().Select(c => c.Case));

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gets_one_clean_failure_and_changes_nothing(string rid, string caseName)
    {
        var (_, template, reason) = Corpus().Single(c => c.Case == caseName);
        using var sandbox = new ZfsSandbox();
        var pool = sandbox.Pool();
        Processes.Check("zpool", "create", "-m", $"{sandbox.Directory}/mnt", pool, sandbox.Vdevs(1)[0]);
        string Datasets() => Processes.Check("zfs", "list", "-H", "-o", "name", "-t", "all", "-r", pool);
        var before = Datasets();
        File.Delete("/tmp/zfsansible-pwned");

        var outcome = new NativeModule("zfs_replicate", rid).RunRaw(Encoding.UTF8.GetBytes(template.Replace("{pool}", pool, StringComparison.Ordinal)));

        CleanFailure.Assert(outcome, reason.Replace("{pool}", pool, StringComparison.Ordinal));
        Assert.Equal(before, Datasets());
        Assert.False(File.Exists("/tmp/zfsansible-pwned"), "a shell ran part of the input");
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void The_ssh_key_path_is_never_printed(string rid)
    {
        const string Key = "/root/vault-secret-path/backup_key";
        var answer = NativeModule.ParseAnswer(new NativeModule("zfs_replicate", rid).RunRaw(Encoding.UTF8.GetBytes($$"""
            {"target_root": "nopool/backup", "datasets": ["tank/a"], "remote_host": "replication-host.invalid", "ssh_key": "{{Key}}",
             "lock_dir": "/tmp/zfsansible-contract-locks", "_ansible_check_mode": true}
            """)));
        Assert.True(answer["failed"]?.GetValue<bool>(), answer.ToJsonString());
        Assert.Contains("replication-host.invalid", answer["msg"]!.GetValue<string>());
        Assert.DoesNotContain("vault-secret-path", answer.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void The_timer_command_refuses_bad_options_with_exit_2_and_no_trace(string rid)
    {
        File.Delete("/tmp/zfsansible-pwned");
        foreach (var argv in new[]
        {
            new[] { "run" },
            ["run", "--target-root", "-F"],
            ["run", "--target-root", "tank/b", "--remote-host", "-oProxyCommand=id"],
            ["run", "--target-root", "tank/b", "--bandwidth-limit", "lots"],
            ["run", "--target-root", "tank/b", "--remote-port", "0"],
            ["run", "--target-root", "tank/b", "--remote-host", "127.0.0.1", "--dataset", "tank/a", "--ssh-option", "ProxyCommand=touch${IFS}/tmp/zfsansible-pwned"],
            ["run", "--target-root", "tank/b", "--remote-host", "127.0.0.1", "--dataset", "tank/a", "--ssh-option", "PermitLocalCommand=yes", "--ssh-option", "LocalCommand=touch${IFS}/tmp/zfsansible-pwned"],
            ["frobnicate", "--target-root", "tank/b"],
            ["Run", "--target-root", "tank/b"],
            ["--target-root", "tank/b"],
            ["run", "--target-root"],
            [],
        })
        {
            var outcome = new NativeModule("zfs_replicate", rid).Run(argv);
            Assert.True(outcome.ExitCode == 2, $"{string.Join(' ', argv)}: {outcome}");
            Assert.Empty(outcome.StandardOutput);
            Assert.DoesNotContain("   at ", outcome.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("Copyright", outcome.StandardError, StringComparison.Ordinal);
        }

        Assert.False(File.Exists("/tmp/zfsansible-pwned"), "a shell ran part of the input");
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void A_choice_the_timer_command_does_not_know_is_named_with_the_choices(string rid)
    {
        var outcome = new NativeModule("zfs_replicate", rid).Run(["run", "--target-root", "tank/b", "--direction", "sideways"]);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Empty(outcome.StandardOutput);
        Assert.Equal(
            "usage: zfs_replicate VERB [OPTIONS]   (option --direction takes pull or push, got 'sideways'; zfs_replicate run --help lists the options)",
            outcome.StandardError.Trim());
    }
}
