using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>
/// zfs-api's command-line face on both architectures: the metrics of this host printed by once pass promtool, and a
/// bad configuration or missing option is one line on stderr with exit 2, before anything listens.
/// </summary>
public sealed class ZfsApiContractTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("zfs-api-contract-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static void OneLineUsageError(ProcessOutcome outcome, string expected)
    {
        Assert.True(outcome.ExitCode == 2, outcome.ToString());
        Assert.Empty(outcome.StandardOutput);
        Assert.Contains(expected, outcome.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void Once_prints_this_hosts_metrics_and_promtool_accepts_them(string rid)
    {
        using var sandbox = new ZfsSandbox();
        var pool = sandbox.Pool();
        sandbox.Check("zpool", "create", "-f", "-m", $"{sandbox.Directory}/mnt", pool, sandbox.Vdevs(1)[0]);
        var once = new NativeModule("zfs-api", rid).Run("once", "--hostname", "contract");
        Assert.True(once.ExitCode == 0, once.ToString());
        Assert.Contains($"zfs_pool_health{{hostname=\"contract\",pool=\"{pool}\",state=\"ONLINE\"}} 1\n", once.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"zfs_dataset_used_bytes{{hostname=\"contract\",pool=\"{pool}\",dataset=\"{pool}\",policy=\"unmanaged\"}}", once.StandardOutput, StringComparison.Ordinal);
        var promtool = Promtool.CheckMetrics(once.StandardOutput);
        Assert.True(promtool.ExitCode == 0, promtool.ToString());
    }

    /// <remarks>
    /// x86_64 only: the reader is the same managed code in both builds, and each start of the aarch64 build under
    /// qemu-user costs 3 to 6 s. The aarch64 build's refusals are tried by the next test.
    /// </remarks>
    public static TheoryData<string, string> BadConfigurations() => new(new[]
    {
        """{"cert": "/c.pem", "key": "/k.pem", "port": 1}|unknown key 'port'""",
        """{"cert": "/c.pem"}|key is required""",
        """{"cert": "/c.pem", "key": "/k.pem", "listen": "$(id):1"}|listen must be ADDRESS:PORT""",
        """{"cert": "/c.pem", "key": "/k.pem", "max_connections": 1e12}|max_connections: wrong type""",
        """[1, 2]|not a JSON object of settings""",
        """{"cert": "/no/such/c.pem", "key": "/no/such/k.pem"}|cannot load the certificate /no/such/c.pem with the key /no/such/k.pem: a file does not exist""",
    }.Select(c => ("linux-x64", c)));

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public void A_bad_configuration_is_one_line_and_exit_2(string rid, string @case)
    {
        var (json, expected) = (@case.Split('|')[0], @case.Split('|')[1]);
        var config = File("zfs-api.json", json);
        OneLineUsageError(new NativeModule("zfs-api", rid).Run("check-config", "--config", config), expected);
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void Serve_without_a_certificate_or_with_a_missing_value_starts_nothing(string rid)
    {
        var module = new NativeModule("zfs-api", rid);
        OneLineUsageError(module.Run("serve", "--listen", "127.0.0.1:19999"), "cert is required (a PEM file); key is required (a PEM file)");
        OneLineUsageError(module.Run("serve", "--cert"), "usage: zfs-api");
        OneLineUsageError(module.Run("check-config", "--config", Path.Combine(_directory, "none.json")), "no such file");
        OneLineUsageError(module.Run("serve", "--config", File("zfs-api.json", """{"cert": "/c.pem", "key": "/k.pem", "listen": "[::1]"}""")), "listen must be ADDRESS:PORT");
    }

    /// <summary>
    /// What needs OpenSSL: reading a PEM pair and listening with it. x86_64 only here, because qemu-user's arm64 prefix
    /// (/usr/aarch64-linux-gnu) has no arm64 libssl; the arm64 build's TLS is still to be shown on an arm64 host.
    /// </summary>
    [Fact]
    public void A_bad_certificate_or_an_address_this_host_lacks_is_one_line_and_exit_2()
    {
        var module = new NativeModule("zfs-api", "linux-x64");
        var garbage = File("garbage.pem", "not a certificate");
        OneLineUsageError(module.Run("serve", "--cert", garbage, "--key", garbage), "not a PEM certificate and its matching private key");

        // A well-formed address this host does not have (TEST-NET-1): one line, no stack trace, nothing listening.
        var cert = Path.Combine(_directory, "cert.pem");
        var key = Path.Combine(_directory, "key.pem");
        Processes.Check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost");
        var notHere = module.Run("serve", "--listen", "192.0.2.1:9742", "--cert", cert, "--key", key);
        Assert.True(notHere.ExitCode == 2, notHere.ToString());
        Assert.Contains("cannot listen on 192.0.2.1:9742", notHere.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", notHere.StandardError, StringComparison.Ordinal);
    }

    /// <summary>
    /// systemd's transient users have no passwd entry and no HOME, which .NET's certificate code needs: the unit sets
    /// HOME, and without it the start fails in one line with exit 1 (systemd retries) instead of a stack trace.
    /// </summary>
    [Fact]
    public void A_user_without_a_home_directory_gets_one_line_and_exit_1()
    {
        var cert = Path.Combine(_directory, "cert.pem");
        var key = Path.Combine(_directory, "key.pem");
        Processes.Check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost");
        System.IO.File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        System.IO.File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var homeless = Processes.Run("setpriv", ["--reuid", "61234", "--regid", "61234", "--clear-groups", "env", "-u", "HOME",
            Repository.Executable("zfs-api", "linux-x64"), "serve", "--listen", "127.0.0.1:19998", "--cert", cert, "--key", key]);
        Assert.True(homeless.ExitCode == 1, homeless.ToString());
        Assert.Contains("cannot start: InvalidOperationException", homeless.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", homeless.StandardError, StringComparison.Ordinal);
    }
}
