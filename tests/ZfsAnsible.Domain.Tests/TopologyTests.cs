using ZfsAnsible.Domain.Pools;

namespace ZfsAnsible.Domain.Tests;

public class TopologyTests
{
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
