using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Tests;

public class ZfsPropertyRulesTests
{
    [Theory]
    [InlineData("compression", "lz4", PropertyHolder.Dataset)]
    [InlineData("com.sun:auto-snapshot", "true", PropertyHolder.Dataset)]
    [InlineData("feature@async_destroy", "enabled", PropertyHolder.Pool)]
    [InlineData("org.example:note", "a b c", PropertyHolder.Pool)]
    [InlineData("userquota@alice", "10G", PropertyHolder.Dataset)]
    [InlineData("projectobjquota@1001", "1000", PropertyHolder.Dataset)]
    public void Native_user_and_feature_names_pass(string name, string value, PropertyHolder holder) =>
        Assert.Null(ZfsPropertyRules.Check("x", name, value, holder));

    [Theory]
    [InlineData("feature@async_destroy", "x", PropertyHolder.Dataset, "invalid property name")]
    [InlineData("userquota@alice", "1G", PropertyHolder.Pool, "invalid property name")]
    [InlineData("userquota@a;b", "1G", PropertyHolder.Dataset, "invalid property name")]
    [InlineData("compression@x", "on", PropertyHolder.Dataset, "invalid property name")]
    [InlineData("Compression", "x", PropertyHolder.Pool, "invalid property name")]
    [InlineData("-o", "x", PropertyHolder.Pool, "invalid property name")]
    [InlineData("zfsansible:policy", "x", PropertyHolder.Pool, "is reserved")]
    [InlineData("zfsansible:policy", "x", PropertyHolder.Dataset, "is reserved")]
    [InlineData("comment", "a\nb", PropertyHolder.Pool, "control character")]
    public void Both_holders_refuse_by_the_same_rule(string name, string value, PropertyHolder holder, string expected) =>
        Assert.Contains(expected, ZfsPropertyRules.Check("x", name, value, holder), StringComparison.Ordinal);

    [Fact]
    public void The_limits_are_zfs_own()
    {
        Assert.Null(ZfsPropertyRules.Check("x", "a:" + new string('b', ZfsPropertyRules.MaxNameLength - 2), new string('v', ZfsPropertyRules.MaxValueLength)));
        Assert.Contains("invalid property name", ZfsPropertyRules.Check("x", "a:" + new string('b', ZfsPropertyRules.MaxNameLength - 1), "v"), StringComparison.Ordinal);
        Assert.Contains("the maximum is 8191", ZfsPropertyRules.Check("x", "a:b", new string('v', ZfsPropertyRules.MaxValueLength + 1)), StringComparison.Ordinal);
    }
}
