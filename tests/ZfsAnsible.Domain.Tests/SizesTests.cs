namespace ZfsAnsible.Domain.Tests;

public class SizesTests
{
    [Theory]
    [InlineData("512", 512L)]
    [InlineData("123M", 123L * 1024 * 1024)]
    [InlineData("1.50G", 1610612736L)]
    [InlineData("1M", 1048576L)]
    [InlineData("2T", 2L * 1024 * 1024 * 1024 * 1024)]
    [InlineData("4KB", 4096L)]
    public void Human_sizes_parse_to_bytes(string text, long bytes)
    {
        Assert.True(Sizes.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("-")]
    [InlineData("on")]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("99999999E")]
    public void Non_sizes_do_not_parse(string text) => Assert.False(Sizes.TryParse(text, out _));

    [Theory]
    [InlineData("42%", 42)]
    [InlineData("7", 7)]
    [InlineData("-", null)]
    public void Percents_parse(string text, int? expected) => Assert.Equal(expected, Sizes.ParsePercent(text));
}
