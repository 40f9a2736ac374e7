using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// The fleet running itself, under the real systemd of the OpenZFS guest: the system_zfs_policy and
/// backups_zfs_server roles converge a backup server whose two sources (srcA, srcB) are the same guest reached as
/// 127.0.0.1 and as localhost (two source hosts, two locks). The timers are listed, a pull service replicates through
/// the forced command, one source never runs twice, two sources run in parallel, a stopped pull leaves nothing
/// behind and completes on the next start, and the enabled offsite push sends every replica to a third pool through a
/// second sshd (port 2022, its own authorized_keys: the same root cannot hold the key both forced and not).
/// </summary>
public sealed class OpenZfsGuestFleetTests : IDisposable
{
    private static readonly string[] Hosts = ["backup", "srcA", "srcB", "offsite"];
    private const string OffsiteKeys = "/root/.ssh/authorized_keys_offsite";

    private readonly OpenZfsGuest _guest = new();
    private readonly string _source;
    private readonly string _backup;
    private readonly string _offsite;

    public OpenZfsGuestFleetTests()
    {
        _source = _guest.Pool("s");
        _backup = _guest.Pool("b");
        _offsite = _guest.Pool("o");
        var vdevs = _guest.Vdevs(3);
        _guest.Check("zpool", "create", "-f", "-m", $"{_guest.Scratch}/{_source}", _source, vdevs[0]);
        _guest.Check("zpool", "create", "-f", "-m", $"{_guest.Scratch}/{_backup}", _backup, vdevs[1]);
        _guest.Check("zpool", "create", "-f", "-m", $"{_guest.Scratch}/{_offsite}", _offsite, vdevs[2]);
        _guest.Check("/usr/sbin/sshd", "-p", "2022", "-o", "PidFile=/run/sshd-offsite.pid", "-o", $"AuthorizedKeysFile={OffsiteKeys}");
    }

    public void Dispose()
    {
        _guest.Run("sh", "-c", "systemctl disable --now zfs-snapshot.timer 'zfs-pull@srcA.timer' 'zfs-pull@srcB.timer' 'zfs-push@offsite.timer';"
            + " systemctl stop 'zfs-pull@*.service' 'zfs-push@*.service' zfs-snapshot.service;"
            + $" rm -f /etc/systemd/system/zfs-* /etc/zfsansible/timers/* {OffsiteKeys}; systemctl daemon-reload; kill $(cat /run/sshd-offsite.pid)");
        _guest.Dispose();
    }

    private string Playbook => $$"""
        - hosts: backup
          gather_facts: false
          vars:
            zfs_policies: { kept: { snapshots: { hourly: 3 }, replicate: true } }
            zfs_datasets: [{ name: {{_source}}/a, policy: kept }]
            system_zfs_policy_snapshot_schedule: "*:*:0/15"   # every 15 s here, so the test sees the timer fire
            backups_zfs_server_target_base: {{_backup}}/raw
            backups_zfs_server_sources:
              - { host: srcA, address: 127.0.0.1, source_roots: [{{_source}}], bandwidth_limit: 20M }
              - { host: srcB, address: localhost, source_roots: [{{_source}}], bandwidth_limit: 20M }
            backups_zfs_server_offsite:
              enabled: true
              host: offsite
              address: 127.0.0.1
              remote_port: 2022
              authorized_keys: {{OffsiteKeys}}
              target_root: {{_offsite}}/belinda
              bandwidth_limit: 200M   # 3M in the fleet: here the 200 MB would take a minute
          roles:
            - zfsansible.zfs.system_zfs_policy
            - zfsansible.zfs.backups_zfs_server
        """;

    private void AddData(string name, int megabytes)
    {
        _guest.Check("dd", "if=/dev/urandom", $"of={_guest.Scratch}/{_source}/a/{name}", "bs=1M", $"count={megabytes}", "status=none");
        _guest.Check("zfs", "snapshot", $"{_source}/a@{name}");
    }

    private string Replica(string source) => $"{_backup}/raw/{source}/{_source}/a";

    [Fact]
    public void The_roles_install_timers_that_snapshot_and_pull_under_systemd_one_run_per_source_and_clean_stops()
    {
        // Check mode of the roles is tried on this machine (TimerTests, Molecule); the guest's time goes to systemd.
        var converge = _guest.PlayAs(Hosts, Playbook);
        Assert.True(converge.ExitCode == 0, converge.ToString());
        var again = _guest.PlayAs(Hosts, Playbook);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(0, again.Changed);

        // The timers are systemd's now.
        var timers = _guest.Systemctl("list-timers", "--all");
        Assert.Contains("zfs-snapshot.timer", timers, StringComparison.Ordinal);
        Assert.Contains("zfs-pull@srcA.timer", timers, StringComparison.Ordinal);
        Assert.Contains("zfs-pull@srcB.timer", timers, StringComparison.Ordinal);
        Assert.Contains("zfs-push@offsite.timer", timers, StringComparison.Ordinal);
        Assert.Contains("command=\"/usr/local/lib/zfsansible/zfs_replicate serve --allow " + _source + "\"", _guest.Check("cat", "/root/.ssh/authorized_keys"), StringComparison.Ordinal);

        // The snapshot timer fires on its own and takes the policy's snapshot; a pull service brings it over through
        // the forced command.
        Polling.Eventually(() => _guest.Run("zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-r", $"{_source}/a").StandardOutput.Contains("_hourly", StringComparison.Ordinal),
            "the snapshot timer fired and took the hourly snapshot");
        Assert.Contains("took 1 and destroyed 0 snapshot", _guest.Check("journalctl", "-u", "zfs-snapshot.service", "--no-pager"), StringComparison.Ordinal);
        var pulled = _guest.Run("systemctl", "start", "zfs-pull@srcA.service");
        Assert.True(pulled.ExitCode == 0, pulled + _guest.Run("journalctl", "-u", "zfs-pull@srcA.service", "--no-pager").StandardOutput);
        Assert.Equal("kept", _guest.Check("zfs", "get", "-H", "-o", "value", "zfsansible:replica_policy", Replica("srcA")).Trim());
        Assert.Contains("replicated 1 of 1 datasets", _guest.Check("journalctl", "-u", "zfs-pull@srcA.service", "--no-pager"), StringComparison.Ordinal);
        Assert.Contains("serving 'zfs send", _guest.Check("journalctl", "-t", "zfs_replicate-serve", "--no-pager"), StringComparison.Ordinal);

        // One source never twice: while the timer's run holds srcA's lock, a run by hand is refused and names it.
        AddData("d1", 60);
        _guest.Check("systemctl", "start", "--no-block", "zfs-pull@srcA.service");
        Polling.Eventually(() => _guest.Run("test", "-s", "/run/zfsansible/replicate-127.0.0.1.pid").ExitCode == 0, "srcA's pull holds its lock");
        var byHand = _guest.Run("/usr/local/lib/zfsansible/zfs_replicate", "run", "--options-file", "/etc/zfsansible/timers/zfs-pull@srcA.json");
        Assert.Equal(1, byHand.ExitCode);
        Assert.Matches("replication from 127.0.0.1 is already running: PID [0-9]+ holds", byHand.StandardError);

        // Two sources in parallel: srcB's pull runs while srcA's still does.
        _guest.Check("systemctl", "start", "--no-block", "zfs-pull@srcB.service");
        Polling.Eventually(() => _guest.Systemctl("is-active", "zfs-pull@srcA.service", "zfs-pull@srcB.service") == "activating\nactivating", "both pulls run at once");
        Polling.Eventually(() => _guest.Systemctl("is-active", "zfs-pull@srcA.service", "zfs-pull@srcB.service") == "inactive\ninactive", "both pulls end");
        Assert.Equal("inactive", _guest.Systemctl("is-failed", "zfs-pull@srcA.service", "zfs-pull@srcB.service").Split('\n').Distinct().Single());
        Assert.Contains("d1", _guest.Check("zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-r", Replica("srcB")), StringComparison.Ordinal);

        // systemctl stop in the middle of a transfer: nothing is left running, the lock is free, the next run completes.
        AddData("d2", 80);
        _guest.Check("systemctl", "start", "--no-block", "zfs-pull@srcA.service");
        Polling.Eventually(() => _guest.Run("pgrep", "-f", $"[z]fs send -I {_source}/a@").ExitCode == 0, "srcA's transfer runs");
        _guest.Check("systemctl", "stop", "zfs-pull@srcA.service");
        Assert.NotEqual(0, _guest.Run("pgrep", "-f", "[z]fs_replicate run").ExitCode);
        Assert.NotEqual(0, _guest.Run("pgrep", "-f", $"[z]fs (send|recv).*{_source}").ExitCode);
        Assert.Equal(0, _guest.Run("flock", "-n", "/run/zfsansible/replicate-127.0.0.1.lock", "true").ExitCode);
        Assert.Equal("failed", _guest.Systemctl("is-failed", "zfs-pull@srcA.service"));
        var resumed = _guest.Run("systemctl", "start", "zfs-pull@srcA.service");
        Assert.True(resumed.ExitCode == 0, resumed + _guest.Run("journalctl", "-u", "zfs-pull@srcA.service", "--no-pager").StandardOutput);
        Assert.Contains("d2", _guest.Check("zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-r", Replica("srcA")), StringComparison.Ordinal);

        // The offsite push, enabled: its service sends both replicas, raw, and holds each base on the backup server.
        Assert.Equal($"restrict {_guest.Check("cat", "/etc/zfsansible/ssh/pull_ed25519.pub").Trim()}", _guest.Check("cat", OffsiteKeys).Trim());
        var pushed = _guest.Run("systemctl", "start", "zfs-push@offsite.service");
        var pushLog = _guest.Run("journalctl", "-u", "zfs-push@offsite.service", "--no-pager").StandardOutput;
        Assert.True(pushed.ExitCode == 0, pushed + pushLog);
        Assert.Contains("replicated 2 of 2 datasets", pushLog, StringComparison.Ordinal);
        var offsite = _guest.Check("zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-r", _offsite);
        Assert.Contains($"{_offsite}/belinda/{_backup}/raw/srcA/{_source}/a@d2", offsite, StringComparison.Ordinal);
        Assert.Contains($"{_offsite}/belinda/{_backup}/raw/srcB/{_source}/a@d1", offsite, StringComparison.Ordinal);
        Assert.Contains("zfsansible-replica-", _guest.Check("zfs", "holds", $"{Replica("srcA")}@d2"), StringComparison.Ordinal);
    }
}
