using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// zfsansible.zfs.zfs_facts through real ansible-playbook and ad-hoc ansible on a zfs-fuse pool: the facts a later
/// task reads, check mode the same and nothing changed, a pool that is not there a one-line failure.
/// </summary>
public sealed class FactsTests : IDisposable
{
    private readonly ZfsSandbox _target = new();
    private readonly string _pool;

    public FactsTests()
    {
        _pool = _target.Pool();
        _target.Check("zpool", "create", "-f", "-m", $"{_target.Scratch}/mnt", _pool, _target.Vdevs(1)[0]);
        _target.Check("zfs", "create", "-o", "zfsansible:policy=standard", "-o", "zfsansible:retention=hourly=2", "-o", "zfsansible:discover_children=off", $"{_pool}/docs");
        _target.Check("zfs", "snapshot", $"{_pool}/docs@zfsansible_2026-01-01T00:00:00Z_hourly");
    }

    public void Dispose() => _target.Dispose();

    /// <summary>Every dataset and snapshot with its local properties: what a change would show.</summary>
    private string State() => _target.Check("zfs", "list", "-H", "-t", "all", "-o", "name", "-r", _pool) + _target.Check("zfs", "get", "-H", "-r", "-s", "local", "-o", "name,property,value", "all", _pool);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_later_task_reads_the_facts_and_nothing_changes(bool check)
    {
        var before = State();
        var run = _target.Play($"""
            - hosts: all
              gather_facts: false
              tasks:
                - name: Gather
                  zfsansible.zfs.zfs_facts:
                    pools: [{_pool}]
                - name: Read them
                  ansible.builtin.assert:
                    that:
                      - ansible_facts.zfs.pools['{_pool}'].health == 'ONLINE'
                      - ansible_facts.zfs.pools['{_pool}'].vdevs | length == 1
                      - ansible_facts.zfs.datasets['{_pool}/docs'].policy == 'standard'
                      - ansible_facts.zfs.datasets['{_pool}/docs'].snapshots == 1
                      - (ansible_facts.zfs.datasets['{_pool}/docs'].compliance | first).ratio == 0.5
                      - ansible_facts.zfs.datasets['{_pool}'].policy is none
            """, check ? ["--check"] : []);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, run.Changed);
        Assert.Equal(before, State());
    }

    [Fact]
    public void Ad_hoc_it_answers_and_a_missing_pool_fails_in_one_line()
    {
        var env = new Dictionary<string, string> { ["ANSIBLE_COLLECTIONS_PATH"] = Repository.CollectionsPath, ["ANSIBLE_LOCALHOST_WARNING"] = "0" };
        var facts = Processes.Run("ansible", ["localhost", "-c", "local", "-m", "zfsansible.zfs.zfs_facts", "-a", $"pools={_pool}"], env);
        Assert.True(facts.ExitCode == 0, facts.ToString());
        Assert.Contains($"\"{_pool}/docs\"", facts.StandardOutput, StringComparison.Ordinal);

        var missing = Processes.Run("ansible", ["localhost", "-c", "local", "-m", "zfsansible.zfs.zfs_facts", "-a", "pools=nopool,-rf"], env);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("pools: 'nopool', '-rf' not imported on this host", missing.StandardOutput, StringComparison.Ordinal);
    }
}
