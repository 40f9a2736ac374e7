using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>The policy filters from real templates and conditions, on the controller (they never touch a target).</summary>
public sealed class PolicyFilterTests
{
    private const string Vars = """
          vars:
            zfs_policies:
              critical: { snapshots: { hourly: 48, daily: 30 }, replicate: true }
              standard: { snapshots: { hourly: 24, daily: 14, weekly: 4 }, replicate: true }
              none: { snapshots: {}, replicate: false }
            zfs_datasets:
              - { name: tank/documents, policy: critical }
              - { name: tank/docker, policy: standard, children_inherit_policy: true, snapshots_discover_children: true }
              - { name: tank/docker/cache, policy: none }
              - { name: tank/docker/registry }
        """;

    private static PlaybookRun Play(string tasks, string vars = Vars) =>
        AnsiblePlaybook.Run($"""
            - hosts: all
              gather_facts: false
            {vars}
              tasks:
            {tasks}
            """, ["-i", "localhost,", "-c", "local"]);

    [Fact]
    public void A_template_and_a_condition_see_effective_policies()
    {
        var run = Play("""
                - name: template
                  ansible.builtin.set_fact:
                    standard: "{{ zfs_datasets | zfsansible.zfs.zfs_datasets_with_policy(zfs_policies, 'standard') }}"
                    tree: "{{ zfs_datasets | zfsansible.zfs.zfs_policy_tree(zfs_policies) }}"
                - name: condition true
                  ansible.builtin.debug:
                    msg: runs
                  when: zfs_datasets | zfsansible.zfs.zfs_datasets_with_policy(zfs_policies, 'critical') | length == 1
                - name: condition false
                  ansible.builtin.debug:
                    msg: skipped
                  when: "'tank/docker/cache' in zfs_datasets | zfsansible.zfs.zfs_datasets_with_policy(zfs_policies, 'standard')"
            """);
        Assert.True(run.ExitCode == 0, run.ToString());
        var facts = run.Result(0)["ansible_facts"]!;
        Assert.Equal(["tank/docker", "tank/docker/registry"], facts["standard"]!.AsArray().Select(n => n!.GetValue<string>()));
        var registry = facts["tree"]!["datasets"]!.AsArray().Single(d => d!["name"]!.GetValue<string>() == "tank/docker/registry")!;
        Assert.Equal("inherited", registry["source"]!.GetValue<string>());
        Assert.NotEqual(true, run.Result(1)["skipped"]?.GetValue<bool>());
        Assert.True(run.Result(2)["skipped"]!.GetValue<bool>());
    }

    [Fact]
    public void A_bad_inventory_fails_the_task_naming_the_dataset()
    {
        var run = Play(
            """
                - name: template
                  ansible.builtin.debug:
                    msg: "{{ zfs_datasets | zfsansible.zfs.zfs_datasets_with_policy(zfs_policies, 'standard') }}"
            """,
            """
              vars:
                zfs_policies: { standard: { snapshots: { daily: 7 } } }
                zfs_datasets: [{ name: tank/media, policy: gold }]
            """);
        Assert.Equal(1, run.Failures);
        var msg = run.Result(0)["msg"]!.GetValue<string>();
        Assert.Contains("tank/media", msg);
        Assert.Contains("gold", msg);
        Assert.Contains("standard", msg);
    }
}
