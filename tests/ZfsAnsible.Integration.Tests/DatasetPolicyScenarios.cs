using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// zfsansible.zfs.zfs_dataset_policy through real ansible-playbook: a host's whole tree in one task, on zfs-fuse
/// here and on OpenZFS 2.x in the guest (the derived classes).
/// </summary>
public abstract class DatasetPolicyScenarios : IDisposable
{

    protected DatasetPolicyScenarios(IZfsTarget target)
    {
        Target = target;
        Pool = target.Pool();
        target.Check("zpool", "create", "-f", "-m", $"{target.Scratch}/mnt", Pool, target.Vdevs(1)[0]);
    }

    protected IZfsTarget Target { get; }

    protected string Pool { get; }

    public void Dispose()
    {
        Target.Dispose();
        GC.SuppressFinalize(this);
    }

    private string TreeTask(string compression = "on", string extra = "") => AnsiblePlaybook.Play($$"""
              zfsansible.zfs.zfs_dataset_policy:
                policies:
                  critical: { snapshots: { hourly: 48, daily: 30 }, replicate: true }
                  standard: { snapshots: { hourly: 24, daily: 14, weekly: 4 }, replicate: true }
                  none: { snapshots: {}, replicate: false }
                datasets:
                  - { name: {{Pool}}/documents, policy: critical, properties: { compression: "{{compression}}", recordsize: 64K } }
                  - { name: {{Pool}}/docker, policy: standard, children_inherit_policy: true, snapshots_discover_children: true }
                  - { name: {{Pool}}/docker/cache, policy: none }
                  - { name: {{Pool}}/docker/registry }
                  - { name: {{Pool}}/deep/a/b, properties: { atime: "off" } }
        {{extra}}
        """);

    private string Get(string property, string dataset) => Target.Check("zfs", "get", "-H", "-o", "value", property, dataset).Trim();

    protected string DatasetNames() => string.Join(',', Target.Check("zfs", "list", "-H", "-o", "name", "-r", Pool).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    [Fact]
    public void A_tree_converges_in_one_task_and_the_second_run_changes_nothing()
    {
        var first = Target.Play(TreeTask());
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, first.Changed);
        Assert.Equal("created", first.Result()["datasets"]![$"{Pool}/docker/registry"]!["action"]!.GetValue<string>());

        Assert.Equal("64K", Get("recordsize", $"{Pool}/documents"));
        Assert.Equal("off", Get("atime", $"{Pool}/deep/a/b"));
        Assert.Equal("critical", Get("zfsansible:policy", $"{Pool}/documents"));
        Assert.Equal("hourly=48,daily=30", Get("zfsansible:retention", $"{Pool}/documents"));

        // Config-time inheritance is visible on the datasets themselves.
        Assert.Equal("standard", Get("zfsansible:policy", $"{Pool}/docker/registry"));
        Assert.Equal($"inherited:{Pool}/docker", Get("zfsansible:policy_source", $"{Pool}/docker/registry"));
        Assert.Equal("none", Get("zfsansible:policy", $"{Pool}/docker/cache"));
        Assert.Equal("on", Get("zfsansible:discover_children", $"{Pool}/docker"));
        Assert.Equal("unmanaged", Get("zfsansible:policy", $"{Pool}/deep/a/b"));

        var second = Target.Play(TreeTask());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(0, second.Changed);
        Assert.Empty(second.Result()["commands"]!.AsArray());
    }

    [Fact]
    public void Check_mode_reports_and_creates_nothing()
    {
        var before = DatasetNames();
        var run = Target.Play(TreeTask(), "--check");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(1, run.Changed);
        Assert.Equal(5, run.Result()["commands"]!.AsArray().Count);
        Assert.Equal(before, DatasetNames());
    }

    [Fact]
    public void Diff_shows_a_property_change_and_only_that_is_set()
    {
        Assert.Equal(0, Target.Play(TreeTask()).ExitCode);
        var run = Target.Play(TreeTask(compression: "gzip"), "--diff");
        Assert.True(run.ExitCode == 0, run.ToString());
        var result = run.Result();
        Assert.Equal([$"zfs set compression=gzip {Pool}/documents"], result["commands"]!.AsArray().Select(c => c!.GetValue<string>()));
        var diff = result["diff"] is JsonArray list ? list[0]! : result["diff"]!;
        Assert.Equal("gzip", diff["after"]![$"{Pool}/documents"]!["properties"]!["compression"]!.GetValue<string>());
        Assert.Equal("on", diff["before"]![$"{Pool}/documents"]!["properties"]!["compression"]!.GetValue<string>());
        Assert.Equal("updated", result["datasets"]![$"{Pool}/documents"]!["action"]!.GetValue<string>());
        Assert.Equal("gzip", Get("compression", $"{Pool}/documents"));
    }

    [Fact]
    public void A_dataset_is_destroyed_only_with_allow_destroy()
    {
        Assert.Equal(0, Target.Play(TreeTask()).ExitCode);
        string Absent(bool allow) => AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_dataset_policy:
                    name: {Pool}/deep/a/b
                    state: absent
                    allow_destroy: {(allow ? "true" : "false")}
            """);
        var refused = Target.Play(Absent(allow: false));
        Assert.Equal(1, refused.Failures);
        Assert.Contains("allow_destroy: true", refused.Result()["msg"]!.GetValue<string>());
        Assert.Contains($"{Pool}/deep/a/b", DatasetNames());

        var destroyed = Target.Play(Absent(allow: true));
        Assert.True(destroyed.ExitCode == 0, destroyed.ToString());
        Assert.DoesNotContain($"{Pool}/deep/a/b", DatasetNames().Split(','));
        Assert.Equal(0, Target.Play(Absent(allow: true)).Changed);
    }
}

/// <summary>Plus what does not depend on the ZFS implementation, tried once, here.</summary>
public sealed class ZfsFuseDatasetTests() : DatasetPolicyScenarios(new ZfsSandbox())
{
    [Fact]
    public void A_bad_inventory_fails_naming_the_dataset_and_changes_nothing()
    {
        var before = DatasetNames();
        var run = Target.Play(AnsiblePlaybook.Play($$"""
                  zfsansible.zfs.zfs_dataset_policy:
                    policies: { standard: { snapshots: { daily: 7 } } }
                    datasets:
                      - { name: {{Pool}}/fresh, policy: standard }
                      - { name: {{Pool}}/media, policy: gold }
                      - { name: otherpool/x, policy: standard }
            """));
        Assert.Equal(1, run.Failures);
        var msg = run.Result()["msg"]!.GetValue<string>();
        Assert.Contains($"{Pool}/media", msg);
        Assert.Contains("gold", msg);
        Assert.Contains("otherpool/x", msg);
        Assert.DoesNotContain('\n', msg);
        Assert.Equal(before, DatasetNames());
    }

    [Fact]
    public void A_host_without_datasets_converges_to_nothing()
    {
        var run = Target.Play(AnsiblePlaybook.Play("""
                  zfsansible.zfs.zfs_dataset_policy:
                    datasets: []
                    policies: {}
            """));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, run.Changed);
    }

    private static string PendingTask(string pool, string pending) => AnsiblePlaybook.Play($$"""
              zfsansible.zfs.zfs_dataset_policy:
                policies: { standard: { snapshots: { daily: 7 } } }
                datasets: [{ name: {{pool}}/documents, policy: standard, children_inherit_policy: true }, { name: {{pool}}/documents/old }]
                pending_pools: {{pending}}
        """);

    [Fact]
    public void Check_mode_plans_the_datasets_of_a_pending_pool_and_a_real_run_still_needs_the_pool()
    {
        var pending = Pool + "new";
        var check = Target.Play(PendingTask(pending, $"[{pending}]"), "--check");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Equal("created", check.Result()["datasets"]![$"{pending}/documents/old"]!["action"]!.GetValue<string>());
        Assert.Equal("standard", check.Result()["datasets"]![$"{pending}/documents/old"]!["policy"]!.GetValue<string>());
        Assert.Contains(check.Result()["commands"]!.AsArray().Select(c => c!.GetValue<string>()),
            c => c.StartsWith("zfs create -p ", StringComparison.Ordinal) && c.Contains("zfsansible:policy=standard", StringComparison.Ordinal) && c.EndsWith($" {pending}/documents/old", StringComparison.Ordinal));

        // Outside check mode only imported pools count: the pool that never appeared fails its datasets.
        var real = Target.Play(PendingTask(pending, $"[{pending}]"));
        Assert.Equal(1, real.Failures);
        Assert.Contains($"dataset '{pending}/documents': outside every pool of this host", real.Result()["msg"]!.GetValue<string>());

        var hostile = Target.Play(PendingTask(pending, "['x;rm -rf /', '-o']"), "--check");
        Assert.Equal(1, hostile.Failures);
        Assert.StartsWith("pending_pools: invalid pool name 'x;rm -rf /'", hostile.Result()["msg"]!.GetValue<string>());
        Assert.DoesNotContain(pending, Target.Check("zpool", "list", "-H", "-o", "name"));
    }
}

public sealed class OpenZfsGuestDatasetTests() : DatasetPolicyScenarios(new OpenZfsGuest());
