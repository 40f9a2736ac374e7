using ZfsAnsible.Api.Configuration;

namespace ZfsAnsible.Api.Tests;

public sealed class ApiConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("zfs-api-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_directory, "zfs-api.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void A_complete_file_gives_the_settings()
    {
        var settings = ApiConfig.Load(Write("""{"listen": "127.0.0.1:9999", "cert": "/etc/c.pem", "key": "/etc/k.pem", "token_file": "/etc/t", "hostname": "belinda", "cache_seconds": 5}"""));
        Assert.True(settings.IsOk, settings.Error?.Message);
        Assert.Equal(9999, settings.Value.Listen.Port);
        Assert.Equal("belinda", settings.Value.Hostname);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Value.CacheTtl);
    }

    [Theory]
    [InlineData("""{"cert": "/c", "key": "/k", "colour": "red"}""", "unknown key 'colour' (known: listen, cert, key, token_file, hostname, cache_seconds, timeout_seconds, max_connections)")]
    [InlineData("""{"cert": "/c", "key": "/k", "max_connections": "many"}""", "max_connections: wrong type")]
    [InlineData("""{"cert": "/c", "key": "/k",""", "malformed JSON (line 1)")]
    [InlineData("""{"cert": "/c"}""", "key is required")]
    [InlineData("""{"cert": "c.pem", "key": "/k"}""", "cert must be an absolute path")]
    [InlineData("""{"cert": "/c", "key": "/k", "listen": "localhost:9742"}""", "listen must be ADDRESS:PORT")]
    [InlineData("""{"cert": "/c", "key": "/k", "listen": "0.0.0.0:99999"}""", "listen must be ADDRESS:PORT")]
    [InlineData("""{"cert": "/c", "key": "/k", "listen": "0.0.0.0"}""", "listen must be ADDRESS:PORT")]
    [InlineData("""{"cert": "/c", "key": "/k", "hostname": "a;b"}""", "hostname must be")]
    [InlineData("""{"cert": "/c", "key": "/k", "cache_seconds": 1e9, "timeout_seconds": 0}""", "cache_seconds must be from 0 to 3600; timeout_seconds must be from 1 to 600")]
    [InlineData("null", "is empty")]
    [InlineData("""{"cert": "/c", "key": "/k", "listen": null}""", "listen: wrong type")]
    [InlineData("[1, 2]", "not a JSON object of settings")]
    public void A_bad_file_is_one_line_naming_the_problem(string json, string expected)
    {
        var settings = ApiConfig.Load(Write(json));
        Assert.False(settings.IsOk);
        Assert.Contains(expected, settings.Error.Message);
        Assert.DoesNotContain('\n', settings.Error.Message);
    }

    [Fact]
    public void A_missing_file_says_so() =>
        Assert.EndsWith("no such file", ApiConfig.Load(Path.Combine(_directory, "none.json")).Error!.Message);

    [Theory]
    [InlineData("[::1]:9742", 9742)]
    [InlineData("0.0.0.0:443", 443)]
    public void Listen_takes_ipv4_and_ipv6(string text, int port) => Assert.Equal(port, ApiConfig.ParseListen(text)!.Port);
}
