using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>
/// Every module's RETURN documentation tells the truth: each module runs in check mode, for real, again (nothing to
/// do) and into a failure, on real zfs-fuse pools or fake Pi files, and each answer is held to what
/// <c>ansible-doc</c> shows (<see cref="ReturnContract"/>). The x86_64 build: the answers' shape is the same code on
/// both architectures, which the other contract tests run.
/// </summary>
public sealed class ReturnContractTests : IDisposable
{
    private const string Rid = "linux-x64";

    private readonly ZfsSandbox _sandbox = new();
    private readonly string _pool;

    public ReturnContractTests()
    {
        _pool = _sandbox.Pool();
        Processes.Check("zpool", "create", "-m", $"{_sandbox.Directory}/mnt", _pool, _sandbox.Vdevs(1)[0]);
    }

    public void Dispose() => _sandbox.Dispose();

    private string Locks => Path.Combine(_sandbox.Directory, "locks");

    /// <summary>Runs the module with its args (check mode with diff, then for real, then again), with each failing change and with an unknown option, and checks every answer.</summary>
    private static void Holds(string executable, string module, JsonObject args, params JsonObject[] failing)
    {
        var documented = ReturnContract.Documented(module);
        var binary = new NativeModule(executable, Rid);
        JsonObject Call(JsonObject extra)
        {
            var call = (JsonObject)args.DeepClone();
            call["_ansible_module_name"] = $"zfsansible.zfs.{module}";
            foreach (var (key, value) in extra)
            {
                call[key] = value?.DeepClone();
            }

            return binary.Call(call);
        }

        var runs = new List<(string Run, JsonObject Answer)>
        {
            ("check mode", Call(new JsonObject { ["_ansible_check_mode"] = true, ["_ansible_diff"] = true })),
            ("real", Call([])),
            ("again", Call(new JsonObject { ["_ansible_diff"] = true })),
        };
        Assert.All(runs, run => Assert.True(run.Answer["failed"]?.GetValue<bool>() != true, $"{run.Run}: {run.Answer.ToJsonString()}"));
        // An option error is answered before the module runs: what it documents as always must be there too.
        foreach (var bad in failing.Append(new JsonObject { ["no_such_option"] = 1 }))
        {
            var answer = Call(bad);
            Assert.True(answer["failed"]?.GetValue<bool>(), $"meant to fail: {answer.ToJsonString()}");
            runs.Add(("failure", answer));
        }

        var violations = runs.SelectMany(run => ReturnContract.Violations(run.Answer, documented).Select(v => $"{run.Run}: {v}")).Distinct().ToList();
        Assert.True(violations.Count == 0, $"{module}'s RETURN does not match what it returns:\n{string.Join('\n', violations)}\n{string.Join('\n', runs.Select(r => $"{r.Run}: {r.Answer.ToJsonString()}"))}");
    }

    [Fact]
    public void Zfs_pool()
    {
        using var sandbox = new ZfsSandbox(); // a sandbox names one pool: this one is created by the module
        var devices = sandbox.Vdevs(2);
        var pool = sandbox.Pool();
        Holds("zfs_pool", "zfs_pool", new JsonObject
        {
            ["name"] = pool,
            ["vdevs"] = new JsonArray(new JsonObject { ["type"] = "mirror", ["devices"] = new JsonArray(devices[0], devices[1]) }),
            ["mountpoint"] = $"{sandbox.Directory}/mnt",
            ["filesystem_properties"] = new JsonObject { ["compression"] = "on" },
        }, new JsonObject { ["state"] = "absent" }, new JsonObject { ["vdevs"] = new JsonArray(new JsonObject { ["type"] = "mirror", ["devices"] = new JsonArray(devices[0]) }) });
    }

    [Fact]
    public void Zfs_dataset_policy() => Holds("zfs_dataset_policy", "zfs_dataset_policy", new JsonObject
    {
        ["policies"] = new JsonObject { ["standard"] = new JsonObject { ["snapshots"] = new JsonObject { ["daily"] = 7 }, ["replicate"] = true } },
        ["datasets"] = new JsonArray(
            new JsonObject { ["name"] = $"{_pool}/a", ["policy"] = "standard", ["children_inherit_policy"] = true, ["properties"] = new JsonObject { ["compression"] = "on" } },
            new JsonObject { ["name"] = $"{_pool}/a/b" },
            new JsonObject { ["name"] = $"{_pool}/free" }),
    }, new JsonObject { ["datasets"] = new JsonArray(new JsonObject { ["name"] = $"{_pool}/x", ["policy"] = "nope" }) });

    [Fact]
    public void Zfs_snapshot_prune()
    {
        Processes.Check("zfs", "create", "-o", "zfsansible:policy=p", "-o", "zfsansible:retention=hourly=1", "-o", "zfsansible:discover_children=off", $"{_pool}/a");
        foreach (var day in new[] { 3, 2, 1 })
        {
            Processes.Check("zfs", "snapshot", $"{_pool}/a@zfsansible_2026-01-0{day}T00:00:00Z_hourly");
        }

        Holds("zfs_snapshot_prune", "zfs_snapshot_prune", new JsonObject { ["datasets"] = new JsonArray(_pool), ["lock_dir"] = Locks },
            new JsonObject { ["datasets"] = new JsonArray($"{_pool}/nothing") });
    }

    [Fact]
    public void Zfs_replicate()
    {
        Processes.Check("zfs", "create", $"{_pool}/src");
        Processes.Check("zfs", "snapshot", $"{_pool}/src@zfsansible_2026-01-01T00:00:00Z_hourly");
        Processes.Check("zfs", "create", $"{_pool}/backup");
        Holds("zfs_replicate", "zfs_replicate", new JsonObject { ["datasets"] = new JsonArray($"{_pool}/src"), ["target_root"] = $"{_pool}/backup", ["lock_dir"] = Locks },
            new JsonObject { ["datasets"] = new JsonArray($"{_pool}/missing") }, new JsonObject { ["lock_dir"] = "relative" });
    }

    [Fact]
    public void Zfs_timer() => Holds("zfs_snapshot_prune", "zfs_timer", new JsonObject
    {
        ["name"] = "zfs-snapshot",
        ["program"] = "zfs_snapshot_prune",
        ["options"] = new JsonObject { ["datasets"] = new JsonArray(_pool), ["lock_dir"] = Locks },
        ["root"] = Path.Combine(_sandbox.Directory, "host"),
    }, new JsonObject { ["on_calendar"] = "every tuesday-ish" });

    [Fact]
    public void Zfs_pull_key() => Holds("zfs_replicate", "zfs_pull_key", new JsonObject
    {
        ["path"] = Path.Combine(_sandbox.Directory, "ssh", "pull_ed25519"),
        ["comment"] = "zfsansible-pull@contract",
    }, new JsonObject { ["path"] = "relative/key" });

    [Fact]
    public void Zfs_pull_source() => Holds("zfs_replicate", "zfs_pull_source", new JsonObject
    {
        ["public_key"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake backup@belinda",
        ["allow"] = new JsonArray(_pool),
        ["authorized_keys"] = Path.Combine(_sandbox.Directory, "authorized_keys"),
    }, new JsonObject { ["allow"] = new JsonArray("-rf") });

    [Fact]
    public void Zfs_facts()
    {
        Processes.Check("zfs", "create", "-o", "zfsansible:policy=p", "-o", "zfsansible:retention=hourly=2,daily=1", "-o", "zfsansible:discover_children=off", $"{_pool}/a");
        Processes.Check("zfs", "snapshot", $"{_pool}/a@zfsansible_2026-01-01T00:00:00Z_hourly");
        Processes.Check("zfs", "create", "-o", "zfsansible:last_success=1767225600", "-o", "zfsansible:last_duration_ms=3200", "-o", "zfsansible:last_bytes=1048576", $"{_pool}/replica");
        Holds("zfs_pool", "zfs_facts", new JsonObject { ["pools"] = new JsonArray(_pool) }, new JsonObject { ["pools"] = new JsonArray("nopool") });
    }

    [Fact]
    public void Pi_boot_config()
    {
        using var pi = new FakeRaspberryPi();
        Holds("pi_boot_config", "pi_boot_config", new JsonObject
        {
            ["settings"] = new JsonArray(new JsonObject { ["dtparam"] = "pciex1" }, new JsonObject { ["dtparam"] = "pciex1_gen", ["value"] = 3 }),
            ["path"] = pi.ConfigPath,
            ["model_path"] = pi.ModelPath,
            ["reboot_marker"] = pi.MarkerPath,
            ["backup"] = true,
        }, new JsonObject { ["settings"] = new JsonArray(new JsonObject { ["key"] = "arm_boost" }) });
    }

    [Fact]
    public void Pi_pcie_info()
    {
        using var pi = new FakeRaspberryPi();
        pi.Reboot();
        Holds("pi_boot_config", "pi_pcie_info", new JsonObject { ["sysfs_root"] = pi.SysfsRoot, ["require"] = new JsonArray("sata"), ["expected_gen"] = 3 },
            new JsonObject { ["require"] = new JsonArray("nvme") });
    }
}
