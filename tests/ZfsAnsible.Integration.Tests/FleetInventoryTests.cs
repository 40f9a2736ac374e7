using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// The example fleet inventory (ansible/inventory/fleet) as a new user meets it: its PLACEHOLDER device ids replaced by
/// devices of this machine (sparse files, as the comments ask for real disks), every host reached over the local
/// connection into a root of its own, and the site playbook run with --check on zfs-fuse. Every host must converge and
/// do what its comments say, and nothing may be written.
/// </summary>
public sealed partial class FleetInventoryTests : IDisposable
{
    private static readonly string[] Hosts = ["host-storage", "host-homeassistant", "dns", "host-backups", "host-albion", "belinda"];
    private static readonly string[] Pools = ["tank", "hapool", "dnspool", "backup", "offsite", "slowpool"];

    private readonly ZfsSandbox _sandbox = new();
    private readonly FakeRaspberryPi _belinda = new();
    private readonly string _inventory;

    public FleetInventoryTests()
    {
        var existing = _sandbox.Check("zpool", "list", "-H", "-o", "name").Split('\n');
        Assert.False(Pools.Intersect(existing).Any(), $"this machine already has a pool of the example fleet ({string.Join(", ", Pools.Intersect(existing))}): the check-mode run would see it");

        _inventory = Path.Combine(_sandbox.Directory, "fleet");
        CopyDirectory(Path.Combine(Repository.Root, "ansible", "inventory", "fleet"), _inventory);
        var devices = Path.Combine(_sandbox.Directory, "disks");
        Directory.CreateDirectory(devices);
        foreach (var file in Directory.EnumerateFiles(_inventory, "*.yml", SearchOption.AllDirectories))
        {
            var text = PlaceholderDisk().Replace(File.ReadAllText(file), match =>
            {
                var disk = Path.Combine(devices, match.Groups["name"].Value);
                using (var stream = File.Create(disk))
                {
                    stream.SetLength(128L << 20);
                }

                return disk;
            });
            File.WriteAllText(file, text);
        }

        foreach (var host in Hosts)
        {
            File.WriteAllText(Path.Combine(_inventory, "host_vars", host, "sandbox.yml"), $"""
                ---
                ansible_connection: local
                ansible_python_interpreter: /usr/bin/python3
                system_zfs_policy_root: {Root(host)}
                backups_zfs_server_root: {Root(host)}
                backups_zfs_server_key: {Root(host)}/etc/zfsansible/ssh/pull_ed25519
                zfs_api_root: {Root(host)}
                victoriametrics_systemd: false
                victoriametrics_config_dir: {Root(host)}/etc/victoria-metrics
                victoriametrics_storage_path: {Root(host)}/var/lib/victoria-metrics
                {(host == "belinda" ? PiVars : string.Empty)}
                """);
            Directory.CreateDirectory(Root(host));
        }
    }

    /// <summary>A device id the comments say to replace: /dev/disk/by-id/&lt;id&gt; on a line marked PLACEHOLDER.</summary>
    [GeneratedRegex(@"/dev/disk/by-id/(?<name>[A-Za-z0-9_.-]+)(?=[^\n]*# PLACEHOLDER)")]
    private static partial Regex PlaceholderDisk();

    [GeneratedRegex(@"\b[A-Za-z0-9_.-]*PLACEHOLDER[A-Za-z0-9_.-]*")]
    private static partial Regex PlaceholderDiskName();

    private string Root(string host) => Path.Combine(_sandbox.Directory, "root", host);

    /// <summary>belinda is a Raspberry Pi 5: its boot partition, device tree and sysfs are a fake Pi's, and its modules the arm64 build.</summary>
    private string PiVars => $"""
        raspberry_pi_pcie_config_path: {_belinda.ConfigPath}
        raspberry_pi_pcie_model_path: {_belinda.ModelPath}
        raspberry_pi_pcie_sysfs_root: {_belinda.SysfsRoot}
        raspberry_pi_pcie_reboot_marker: {_belinda.MarkerPath}
        zfsansible_native_arch: aarch64
        """;

    public void Dispose()
    {
        _sandbox.Dispose();
        _belinda.Dispose();
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }

    private static string Msg(JsonObject result) => result["msg"]?.GetValue<string>() ?? string.Empty;

    private static IEnumerable<string> LoopMsgs(JsonObject result) => result["results"]!.AsArray().Select(r => Msg(r!.AsObject()));

    private static JsonNode Dataset(IReadOnlyDictionary<string, JsonObject> results, string name) =>
        results["Converge the host's datasets and their snapshot policies"]["datasets"]![name]!;

    [Fact]
    public void The_only_placeholders_left_are_comments_the_login_user_and_the_vault_token()
    {
        foreach (var file in Directory.EnumerateFiles(_inventory, "*.yml", SearchOption.AllDirectories))
        {
            foreach (var line in File.ReadAllLines(file).Where(l => l.Contains("PLACEHOLDER", StringComparison.Ordinal)))
            {
                // What is left once the replaced disks are taken out: nothing, a list dash, or the login user.
                var value = line.Split('#')[0].Replace(Path.Combine(_sandbox.Directory, "disks") + "/", string.Empty, StringComparison.Ordinal);
                var rest = PlaceholderDiskName().Replace(value, string.Empty).Trim();
                Assert.True(rest is "" or "-" || rest.StartsWith("ansible_user:", StringComparison.Ordinal) || rest.StartsWith("vault_zfs_api_token:", StringComparison.Ordinal),
                    $"{file}: a PLACEHOLDER this test does not replace: {line}");
            }
        }
    }

    [Fact]
    public void The_whole_fleet_converges_in_check_mode_and_every_host_does_what_its_comments_say()
    {
        var run = AnsiblePlaybook.RunFile(Path.Combine(Repository.Root, "ansible", "playbooks", "site.yml"), ["-i", _inventory, "--check"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var host in Hosts)
        {
            Assert.Equal(0, run.StatsOf(host)["failures"]!.GetValue<int>());
            Assert.Equal(0, run.StatsOf(host)["unreachable"]!.GetValue<int>());
        }

        // Every host: its pool would be created on its (replaced) disks, and its snapshot timer installed.
        foreach (var (host, pool) in Hosts.Zip(Pools))
        {
            var results = run.ResultsOf(host);
            Assert.Contains($"would have created pool {pool}", string.Join('\n', LoopMsgs(results["Converge ZFS pools"])), StringComparison.Ordinal);
            Assert.Equal("zfs-snapshot.timer would be installed: zfs_snapshot_prune on *:0/15", Msg(results["Snapshot timer (zfs_snapshot_prune run, every 15 minutes)"]));
            Assert.True(results["Write the systemd unit"]["changed"]!.GetValue<bool>(), $"{host}: zfs-api's unit would not be installed");
            Assert.True(results["Install the token"]["changed"]!.GetValue<bool>(), $"{host}: zfs-api's token would not be installed");
        }

        // host-storage: Docker's volumes are snapshotted below tank/docker; the cache never; the registry inherits.
        var storage = run.ResultsOf("host-storage");
        // It is the metrics server: VictoriaMetrics would scrape every ZFS host and run the alert rules.
        Assert.True(storage["Write the scrape configuration"]["changed"]!.GetValue<bool>(), "host-storage: no scrape configuration would be written");
        Assert.True(storage["Write the alert rules"]["changed"]!.GetValue<bool>(), "host-storage: no alert rules would be written");
        Assert.All(Hosts.Where(h => h != "host-storage"), host => Assert.DoesNotContain("Write the scrape configuration", run.ResultsOf(host).Keys));
        Assert.Equal("critical", Dataset(storage, "tank/documents")["policy"]!.GetValue<string>());
        Assert.Equal("created", Dataset(storage, "tank/documents")["action"]!.GetValue<string>());
        Assert.Equal("standard", Dataset(storage, "tank/docker/registry")["policy"]!.GetValue<string>());
        Assert.Equal("inherited:tank/docker", Dataset(storage, "tank/docker/registry")["source"]!.GetValue<string>());
        Assert.Equal("none", Dataset(storage, "tank/docker/cache")["policy"]!.GetValue<string>());

        // dns: the resolvers inherit standard, their cache is scratch; host-homeassistant: media inherits critical.
        var dns = run.ResultsOf("dns");
        Assert.Equal("standard", Dataset(dns, "dnspool/docker/unbound")["policy"]!.GetValue<string>());
        Assert.Equal("scratch", Dataset(dns, "dnspool/docker/cache")["policy"]!.GetValue<string>());
        Assert.Equal("critical", Dataset(run.ResultsOf("host-homeassistant"), "hapool/homeassistant/media")["policy"]!.GetValue<string>());

        // Hosts without datasets of their own skip the dataset task cleanly.
        foreach (var host in new[] { "host-backups", "host-albion", "belinda" })
        {
            Assert.True(run.ResultsOf(host)["Converge the host's datasets and their snapshot policies"]["skipped"]!.GetValue<bool>(), host);
        }

        // belinda pulls three sources, each on its timer; its key would be generated first (so nothing is authorized in
        // check mode); the offsite push stays off.
        var belinda = run.ResultsOf("belinda");
        Assert.Equal($"would generate the key pair {Root("belinda")}/etc/zfsansible/ssh/pull_ed25519", Msg(belinda["The server's own pull key (generated here; only the public key is read)"]));
        Assert.Equal(
            ["zfs-pull@host-storage.timer would be installed: zfs_replicate on hourly",
             "zfs-pull@host-homeassistant.timer would be installed: zfs_replicate on hourly",
             "zfs-pull@dns.timer would be installed: zfs_replicate on *:30"],
            LoopMsgs(belinda["Pull timer per source (zfs-pull@<host>)"]));
        var push = belinda["Offsite push timer (raw sends of every replica; removed while disabled)"];
        Assert.False(push["changed"]!.GetValue<bool>());
        Assert.Equal("zfs-push@host-albion.timer is not installed", Msg(push));

        // host-backups pulls host-storage's documents at :45; host-albion pulls nothing.
        Assert.Equal(["zfs-pull@host-storage.timer would be installed: zfs_replicate on *:45"],
            LoopMsgs(run.ResultsOf("host-backups")["Pull timer per source (zfs-pull@<host>)"]));
        Assert.DoesNotContain("Pull timer per source (zfs-pull@<host>)", run.ResultsOf("host-albion").Keys);

        // belinda's config.txt would get PCIe gen 3 from the arm64 build; the reboot and the link check wait for a real run.
        var pcie = belinda.Single(r => r.Key.StartsWith("Enable the external PCIe connector", StringComparison.Ordinal)).Value;
        Assert.Equal("linux-arm64", pcie["module_build"]!.GetValue<string>());
        Assert.True(pcie["reboot_required"]!.GetValue<bool>());
        Assert.StartsWith("would have added dtparam=pciex1 to [all]; added dtparam=pciex1_gen=3 to [all]", Msg(pcie), StringComparison.Ordinal);
        Assert.True(belinda.Single(r => r.Key.StartsWith("The devices are on the PCIe bus", StringComparison.Ordinal)).Value["skipped"]!.GetValue<bool>());
        Assert.Equal(FakeRaspberryPi.Stock, _belinda.Config);

        // Check mode wrote nothing: no pool, no file in any host's root, no key.
        var pools = _sandbox.Check("zpool", "list", "-H", "-o", "name").Split('\n');
        Assert.Empty(Pools.Intersect(pools));
        Assert.All(Hosts, host => Assert.Empty(Directory.EnumerateFileSystemEntries(Root(host), "*", SearchOption.AllDirectories)));
    }

    [Fact]
    public void Belindas_playbook_takes_a_fresh_image_through_one_reboot_to_the_pool_and_the_backups()
    {
        // zfs-fuse (pool version 23) has neither lz4 nor autotrim: this copy of belinda's vars says lzjb and leaves trim
        // alone. The local connection cannot reboot this machine and must not authorize keys in its /root: the run stops
        // for the reboot, and leaves the sources alone.
        var vars = Path.Combine(_inventory, "host_vars", "belinda", "zfs.yml");
        File.WriteAllText(vars, File.ReadAllText(vars)
            .Replace("compression: lz4", "compression: lzjb", StringComparison.Ordinal)
            .Replace("      autotrim: \"on\"\n", string.Empty, StringComparison.Ordinal));
        string[] options = ["-i", _inventory, "-e", "raspberry_pi_pcie_reboot=false", "-e", "backups_zfs_server_authorize_sources=false"];
        var playbook = Path.Combine(Repository.Root, "ansible", "playbooks", "belinda.yml");

        var first = AnsiblePlaybook.RunFile(playbook, options);
        Assert.True(first.ExitCode != 0, first.ToString());
        Assert.StartsWith("a reboot is pending", Msg(first.ResultsOf("belinda")["Stop here while a reboot is pending (raspberry_pi_pcie_reboot is false)"]), StringComparison.Ordinal);
        Assert.DoesNotContain("slowpool", _sandbox.Check("zpool", "list", "-H", "-o", "name").Split('\n'));
        Assert.Equal(FakeRaspberryPi.Stock + "dtparam=pciex1\ndtparam=pciex1_gen=3\n", _belinda.Config);

        _belinda.Reboot();
        var second = AnsiblePlaybook.RunFile(playbook, options);
        Assert.True(second.ExitCode == 0, second.ToString());
        var results = second.ResultsOf("belinda");
        Assert.False(results.Single(r => r.Key.StartsWith("Enable the external PCIe connector", StringComparison.Ordinal)).Value["reboot_required"]!.GetValue<bool>());
        Assert.Equal("0000:01:00.0 (sata 197b:0585) at 8.0 GT/s PCIe (gen 3)", Msg(results.Single(r => r.Key.StartsWith("The devices are on the PCIe bus", StringComparison.Ordinal)).Value));
        Assert.Contains("mirror", _sandbox.Check("zpool", "status", "slowpool"), StringComparison.Ordinal);
        Assert.Equal(
            ["zfs-pull@host-storage.timer", "zfs-pull@host-homeassistant.timer", "zfs-pull@dns.timer"],
            LoopMsgs(results["Pull timer per source (zfs-pull@<host>)"]).Select(m => m.Split(' ')[0]));
        Assert.True(File.Exists($"{Root("belinda")}/etc/zfsansible/ssh/pull_ed25519.pub"));

        var third = AnsiblePlaybook.RunFile(playbook, options);
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Equal(0, third.Changed);
    }
}
