using ZfsAnsible.Domain.Pools;

namespace ZfsAnsible.Domain.Tests;

public class TopologyTests
{
    [Fact]
    public void Zpool_words_put_data_vdevs_first_and_name_classes()
    {
        var topology = new PoolTopology([
            TopLevelVdev.Disk(VdevClass.Cache, "/c"),
            new TopLevelVdev(VdevClass.Log, VdevLayout.Mirror, ["/l1", "/l2"]),
            new TopLevelVdev(VdevClass.Data, VdevLayout.Raidz2, ["/a", "/b", "/c2"]),
            TopLevelVdev.Disk(VdevClass.Spare, "/s"),
            new TopLevelVdev(VdevClass.Special, VdevLayout.Mirror, ["/p1", "/p2"]),
        ]);
        Assert.Equal(
            ["raidz2", "/a", "/b", "/c2", "log", "mirror", "/l1", "/l2", "special", "mirror", "/p1", "/p2", "cache", "/c", "spare", "/s"],
            topology.ToZpoolWords());
    }

    [Fact]
    public void Each_class_word_is_given_once_for_all_its_vdevs()
    {
        var topology = new PoolTopology([
            TopLevelVdev.Disk(VdevClass.Spare, "/s1"),
            new TopLevelVdev(VdevClass.Log, VdevLayout.Mirror, ["/l1", "/l2"]),
            TopLevelVdev.Disk(VdevClass.Cache, "/c1"),
            new TopLevelVdev(VdevClass.Log, VdevLayout.Mirror, ["/l3", "/l4"]),
            TopLevelVdev.Disk(VdevClass.Data, "/a"),
            TopLevelVdev.Disk(VdevClass.Cache, "/c2"),
            TopLevelVdev.Disk(VdevClass.Spare, "/s2"),
            TopLevelVdev.Disk(VdevClass.Data, "/b"),
        ]);
        Assert.Equal(
            ["/a", "/b", "log", "mirror", "/l1", "/l2", "mirror", "/l3", "/l4", "cache", "/c1", "/c2", "spare", "/s1", "/s2"],
            topology.ToZpoolWords());
    }

    [Fact]
    public void Comparison_matches_vdevs_as_a_multiset()
    {
        var declared = new PoolTopology([TopLevelVdev.Disk(VdevClass.Data, "/a"), TopLevelVdev.Disk(VdevClass.Data, "/a")]);
        var actual = new PoolTopology([TopLevelVdev.Disk(VdevClass.Data, "/a")]);
        var difference = TopologyComparison.Compare(declared, actual, p => p);
        Assert.Single(difference.Missing);
        Assert.Empty(difference.Unexpected);
    }

    [Fact]
    public void Same_devices_in_another_layout_differ()
    {
        var declared = new PoolTopology([new TopLevelVdev(VdevClass.Data, VdevLayout.Mirror, ["/a", "/b"])]);
        var actual = new PoolTopology([TopLevelVdev.Disk(VdevClass.Data, "/a"), TopLevelVdev.Disk(VdevClass.Data, "/b")]);
        var difference = TopologyComparison.Compare(declared, actual, p => p);
        Assert.Contains("declared but not in the pool: mirror [/a, /b]", difference.Describe());
        Assert.Contains("in the pool but not declared: stripe [/a]; stripe [/b]", difference.Describe());
    }

    [Fact]
    public void Property_values_compare_like_a_person_reads_them()
    {
        Assert.True(PropertyValues.AreEquivalent("on", "ON"));
        Assert.True(PropertyValues.AreEquivalent("1M", "1048576"));
        Assert.True(PropertyValues.AreEquivalent("128K", "128k"));
        Assert.False(PropertyValues.AreEquivalent("lz4", "on"));
        Assert.False(PropertyValues.AreEquivalent("1M", "1048577"));
        Assert.False(PropertyValues.AreEquivalent("/Data", "/data"));
    }
}
