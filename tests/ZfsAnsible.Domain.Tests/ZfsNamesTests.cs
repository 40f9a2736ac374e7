using ZfsAnsible.Domain.Naming;

namespace ZfsAnsible.Domain.Tests;

public class ZfsNamesTests
{
    [Theory]
    [InlineData("tank")]
    [InlineData("slowpool")]
    [InlineData("a")]
    [InlineData("pool_1.backup:x-y")]
    [InlineData("logs")]
    [InlineData("logpool")]
    public void Valid_pool_names_pass(string name) => Assert.Null(ZfsNames.CheckPoolName(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("-f", "must begin with a letter")]
    [InlineData("1tank", "must begin with a letter")]
    [InlineData("tank;rm -rf /", "not allowed")]
    [InlineData("tank$(reboot)", "not allowed")]
    [InlineData("tank pool", "not allowed")]
    [InlineData("tank/child", "not allowed")]
    [InlineData("mirror1", "reserved")]
    [InlineData("raidzpool", "reserved")]
    [InlineData("c0t0d0", "reserved")]
    [InlineData("log", "reserved")]
    public void Invalid_pool_names_are_refused_with_the_reason(string name, string reason)
    {
        var error = ZfsNames.CheckPoolName(name);
        Assert.NotNull(error);
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Overlong_names_are_refused_and_the_message_stays_short()
    {
        var error = ZfsNames.CheckPoolName(new string('a', 300));
        Assert.NotNull(error);
        Assert.Contains("maximum is 255", error.Message);
        Assert.True(error.Message.Length < 200);
    }

    [Theory]
    [InlineData("tank/documents")]
    [InlineData("tank/docker/registry")]
    [InlineData("slowpool/backups/raw/host-storage/tank")]
    public void Valid_dataset_names_pass(string name) => Assert.Null(ZfsNames.CheckDatasetName(name));

    [Theory]
    [InlineData("tank//a", "empty component")]
    [InlineData("tank/", "empty component")]
    [InlineData("tank/-o", "may not begin with '-'")]
    [InlineData("tank/..", "not allowed")]
    [InlineData("tank/a@snap", "not allowed")]
    [InlineData("tank/a\nb", "not allowed")]
    [InlineData("-tank/a", "must begin with a letter")]
    public void Invalid_dataset_names_are_refused(string name, string reason)
    {
        var error = ZfsNames.CheckDatasetName(name);
        Assert.NotNull(error);
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("sdb", "/dev/sdb")]
    [InlineData("disk/by-id/ata-X", "/dev/disk/by-id/ata-X")]
    [InlineData("/tmp/vdev1", "/tmp/vdev1")]
    public void Device_paths_are_normalised_like_zpool_does(string given, string expected) =>
        Assert.Equal(expected, DevicePaths.Normalize(given).Value);

    [Theory]
    [InlineData("-f")]
    [InlineData("")]
    [InlineData("../etc/passwd")]
    [InlineData("/dev/sdb\n")]
    public void Hostile_device_paths_are_refused(string given) => Assert.False(DevicePaths.Normalize(given).IsOk);
}
