using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// The published zfs-api serving a zfs-fuse pool over HTTPS with a bearer token, scraped the way VictoriaMetrics and a
/// person do: every metric family of docs/metrics.md on the live endpoint, promtool's check, a degraded mirror in the next
/// scrape, 401 without the token, and hostile requests answered 4xx while the service stays up and small.
/// </summary>
public sealed class ZfsApiServiceTests : IDisposable
{
    private const string Token = "zfs-api-test-token-7f3a";

    private readonly ZfsSandbox _sandbox = new();
    private readonly string _pool;
    private readonly IReadOnlyList<string> _vdevs;
    private readonly Process _service;
    private readonly HttpClient _client;
    private readonly int _port;

    public ZfsApiServiceTests()
    {
        try
        {
            (_pool, _vdevs, _port, _service, _client) = Start();
        }
        catch
        {
            // xunit does not dispose a test class whose constructor threw: nothing may outlive it.
            _sandbox.Dispose();
            throw;
        }
    }

    private (string Pool, IReadOnlyList<string> Vdevs, int Port, Process Service, HttpClient Client) Start()
    {
        var pool = _sandbox.Pool();
        var vdevs = _sandbox.Vdevs(2);
        _sandbox.Check("zpool", "create", "-f", "-m", $"{_sandbox.Directory}/mnt", pool, "mirror", vdevs[0], vdevs[1]);

        // A managed dataset with one hourly snapshot, and its replica made by a real local pull (which records the
        // replication's time, duration and bytes on the replica).
        _sandbox.Check("zfs", "create", "-o", "zfsansible:policy=standard", "-o", "zfsansible:policy_source=explicit", "-o", "zfsansible:retention=hourly=2,daily=1",
            "-o", "zfsansible:replicate=on", "-o", "zfsansible:discover_children=off", $"{pool}/docs");
        _sandbox.Check("zfs", "snapshot", $"{pool}/docs@zfsansible_{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}_hourly");
        var pull = Processes.Run(Repository.Executable("zfs_replicate", "linux-x64"), ["run", "-d", $"{pool}/docs", "-t", $"{pool}/raw", "--lock-dir", _sandbox.Directory]);
        Assert.True(pull.ExitCode == 0, pull.ToString());

        var cert = Path.Combine(_sandbox.Directory, "cert.pem");
        var key = Path.Combine(_sandbox.Directory, "key.pem");
        Processes.Check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost");
        File.WriteAllText(Path.Combine(_sandbox.Directory, "token"), Token + "\n");
        var port = Loopback.FreePort();
        var config = Path.Combine(_sandbox.Directory, "zfs-api.json");
        File.WriteAllText(config, $$"""
            {"listen": "127.0.0.1:{{port}}", "cert": "{{cert}}", "key": "{{key}}", "token_file": "{{_sandbox.Directory}}/token",
             "hostname": "test-host", "cache_seconds": 0, "max_connections": 32}
            """);
        var service = Process.Start(new ProcessStartInfo(Repository.Executable("zfs-api", "linux-x64"), ["serve", "--config", config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        service.ErrorDataReceived += (_, line) => { lock (Log) { Log.Add(line.Data ?? string.Empty); } };
        service.BeginErrorReadLine();

        // The test trusts exactly the certificate it made, as a scraper configured with it would.
        byte[] trusted;
        using (var made = X509Certificate2.CreateFromPem(File.ReadAllText(cert)))
        {
            trusted = made.RawData;
        }

        var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().SequenceEqual(trusted) },
        })
        { BaseAddress = new Uri($"https://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            WaitUntilListening(service, port);
        }
        catch
        {
            service.Kill();
            throw;
        }

        return (pool, vdevs, port, service, client);
    }

    private List<string> Log { get; } = [];

    public void Dispose()
    {
        _client.Dispose();
        if (!_service.HasExited)
        {
            _service.Kill();
            _service.WaitForExit();
        }

        _service.Dispose();
        _sandbox.Dispose();
    }

    private void WaitUntilListening(Process service, int port) => Polling.Eventually(
        () => !service.HasExited ? Loopback.Listening(port) : throw new InvalidOperationException($"zfs-api exited: {string.Join('\n', Log)}"),
        $"zfs-api listening on 127.0.0.1:{port}");

    private async Task<HttpResponseMessage> Get(string path, string? token = Token, IEnumerable<(string, string)>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await _client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task<string> Text(string path) => await (await Get(path)).EnsureSuccessStatusCode().Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_scrape_over_https_reports_every_family_and_promtool_accepts_it()
    {
        var response = await Get("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        var metrics = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var docs = $"hostname=\"test-host\",pool=\"{_pool}\",dataset=\"{_pool}/docs\",policy=\"standard\"";
        var replica = $"hostname=\"test-host\",pool=\"{_pool}\",dataset=\"{_pool}/raw/{_pool}/docs\",policy=\"standard\"";
        Assert.Contains($"zfs_pool_health{{hostname=\"test-host\",pool=\"{_pool}\",state=\"ONLINE\"}} 1\n", metrics);
        foreach (var family in new[] { "zfs_pool_size_bytes", "zfs_pool_allocated_bytes", "zfs_pool_free_bytes", "zfs_pool_capacity_ratio" })
        {
            Assert.Contains($"{family}{{hostname=\"test-host\",pool=\"{_pool}\"}} ", metrics);
        }

        foreach (var family in new[] { "zfs_dataset_used_bytes", "zfs_dataset_available_bytes", "zfs_dataset_referenced_bytes" })
        {
            Assert.Contains($"{family}{{{docs}}} ", metrics);
        }

        Assert.Contains($"zfs_dataset_snapshots{{{docs}}} 1\n", metrics);
        Assert.Contains($"zfs_snapshot_retention_target{{{docs},interval=\"hourly\"}} 2\n", metrics);
        Assert.Contains($"zfs_snapshot_compliance_ratio{{{docs},interval=\"hourly\"}} 0.5\n", metrics);
        Assert.Contains($"zfs_snapshot_compliance_ratio{{{docs},interval=\"daily\"}} 0\n", metrics);
        Assert.Contains($"zfs_snapshot_newest_age_seconds{{{docs},interval=\"hourly\"}} ", metrics);
        Assert.Contains($"zfs_replication_last_success_timestamp_seconds{{{replica}}} ", metrics);
        Assert.Contains($"zfs_replication_last_duration_seconds{{{replica}}} ", metrics);
        Assert.Matches($"zfs_replication_last_bytes\\{{{System.Text.RegularExpressions.Regex.Escape(replica)}\\}} [1-9][0-9]*\n", metrics);
        Assert.Contains("zfs_api_collection_duration_seconds{hostname=\"test-host\"} ", metrics);
        Assert.Contains("zfs_api_collection_errors_total{hostname=\"test-host\"} 0\n", metrics);

        var promtool = Promtool.CheckMetrics(metrics);
        Assert.True(promtool.ExitCode == 0, promtool.ToString());
    }

    [Fact]
    public async Task The_api_answers_json_for_pools_datasets_snapshots_compliance_and_replication()
    {
        Assert.Equal(_pool, JsonNode.Parse(await Text($"/api/pools/{_pool}"))!["name"]!.GetValue<string>());
        Assert.Equal([$"{_pool}/docs"], JsonNode.Parse(await Text("/api/datasets?policy=standard&pool=" + _pool))!.AsArray().Where(d => !d!["replica"]!.GetValue<bool>()).Select(d => d!["name"]!.GetValue<string>()));
        Assert.Single(JsonNode.Parse(await Text($"/api/datasets/{_pool}/docs/snapshots"))!.AsArray());
        Assert.Equal(2, JsonNode.Parse(await Text("/api/compliance?pool=" + _pool))!.AsArray().Count(c => c!["dataset"]!.GetValue<string>() == $"{_pool}/docs"));
        Assert.Equal($"{_pool}/raw/{_pool}/docs", JsonNode.Parse(await Text("/api/replication"))!.AsArray().Single(r => r!["pool"]!.GetValue<string>() == _pool)!["dataset"]!.GetValue<string>());
        Assert.Equal("ok", JsonNode.Parse(await Text("/api/health"))!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_mirror_with_one_vdev_offline_is_degraded_in_the_next_scrape()
    {
        Assert.Contains($"zfs_pool_health{{hostname=\"test-host\",pool=\"{_pool}\",state=\"ONLINE\"}} 1\n", await Text("/metrics"));
        _sandbox.Check("zpool", "offline", _pool, _vdevs[1]);
        Assert.Contains($"zfs_pool_health{{hostname=\"test-host\",pool=\"{_pool}\",state=\"DEGRADED\"}} 1\n", await Text("/metrics"));
        Assert.Equal(1, JsonNode.Parse(await Text("/api/health"))!["pools_not_online"]!.GetValue<int>());
    }

    [Fact]
    public async Task Without_the_right_token_every_request_is_refused_and_the_log_never_shows_a_token()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/metrics", token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/api/pools", token: "guess-" + Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/api/pools", token: Token[..^1])).StatusCode);
        Assert.Equal("Bearer realm=\"zfs-api\"", (await Get("/api/health", token: null)).Headers.WwwAuthenticate.ToString());
        await Task.Delay(200, TestContext.Current.CancellationToken);
        lock (Log)
        {
            Assert.Contains(Log, l => l.Contains("refused GET /api/pools from 127.0.0.1: wrong bearer token", StringComparison.Ordinal));
            Assert.DoesNotContain(Log, l => l.Contains("guess-", StringComparison.Ordinal) || l.Contains(Token[..^1], StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Slow_clients_are_dropped_and_do_not_hold_up_a_scrape()
    {
        var cancel = TestContext.Current.CancellationToken;

        // One client never starts TLS; another stops in the middle of its request headers.
        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, _port, cancel);
        using var stalled = new TcpClient();
        await stalled.ConnectAsync(IPAddress.Loopback, _port, cancel);
        await using var tls = new SslStream(stalled.GetStream());
        using var made = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_sandbox.Directory, "cert.pem")));
        var trusted = made.RawData;
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().SequenceEqual(trusted),
        }, cancel);
        await tls.WriteAsync("GET /metrics HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "u8.ToArray(), cancel);
        await tls.FlushAsync(cancel);

        // Meanwhile a scrape is answered.
        Assert.Equal(HttpStatusCode.OK, (await Get("/metrics")).StatusCode);

        // The service closes both once the TLS handshake and the request headers time out (10 s each).
        Assert.True(await ClosedByTheService(silent.GetStream(), cancel), "a client that never started TLS was not dropped");
        Assert.True(await ClosedByTheService(tls, cancel), "a client stalled in its request headers was not dropped");
        Assert.Equal(HttpStatusCode.OK, (await Get("/api/health")).StatusCode);
    }

    /// <summary>Reads (a 408 may come first) until the service closes the connection, for at most 40 s.</summary>
    private static async Task<bool> ClosedByTheService(Stream stream, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(TimeSpan.FromSeconds(40));
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return false;
        }
    }

    [Fact]
    public async Task Hostile_requests_get_a_4xx_and_the_service_stays_up_and_small()
    {
        foreach (var path in new[] { "/api/pools/-o", "/api/pools/x;id", "/api/datasets/tank/$(reboot)", "/api/datasets/..%2F..%2Fetc", "/api/datasets?pool=a&pool=b", "/api/datasets?sort=1", "/nothing", "/api/" + new string('a', 3000) })
        {
            var status = (int)(await Get(path)).StatusCode;
            Assert.True(status is >= 400 and < 500, $"{path}: {status}");
        }

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/pools");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _client.SendAsync(delete, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, (await Get("/api/health", headers: [("X-Padding", new string('x', 40_000))])).StatusCode);

        // More idle connections than max_connections, and many scrapes at once: the service answers afterwards.
        var idle = Enumerable.Range(0, 48).Select(_ => new TcpClient("127.0.0.1", _port)).ToList();
        var scrapes = Enumerable.Range(0, 32).Select(async _ => { try { return (int)(await Get("/api/health")).StatusCode; } catch (HttpRequestException) { return 0; } });
        await Task.WhenAll(scrapes);
        idle.ForEach(c => c.Dispose());
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, (await Get("/api/health")).StatusCode);
        Assert.False(_service.HasExited);

        var rss = File.ReadAllLines($"/proc/{_service.Id}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        Assert.True(long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) < 150_000, rss);
    }
}
