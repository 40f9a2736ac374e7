using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests.Monitoring;

/// <summary>
/// The monitoring half of the fleet on this machine, converged by the real roles and run as the services would run
/// it: a zfs-fuse mirror with a managed dataset and its pulled replica; two zfs-api instances (hosts "host-a" and
/// "host-b", each with its own self-signed certificate, port and root) installed by the zfs_api role; VictoriaMetrics
/// and vmalert configured by the victoriametrics role and started with the command lines the role wrote; and an
/// Alertmanager stand-in that records what vmalert sends. Scrapes and evaluations run every 2 s.
/// </summary>
public sealed class MonitoringSandbox : IDisposable
{
    public const string Token = "vm-test-token-5f1c0e2a9b";
    public const string ScrapeInterval = "2s";

    private readonly List<IDisposable> _running = [];

    public MonitoringSandbox()
    {
        Sandbox = new ZfsSandbox();
        try
        {
            Pool = Sandbox.Pool();
            Vdevs = Sandbox.Vdevs(2);
            Directory = Sandbox.Directory;
            MakePoolWithHistory();
            Inventory = WriteInventory();
            FirstRun = Converge();
            SecondRun = Converge();
            StartServices();
        }
        catch
        {
            // xunit does not dispose a fixture whose constructor threw: nothing may outlive it.
            Dispose();
            throw;
        }
    }

    public ZfsSandbox Sandbox { get; }

    public string Pool { get; } = string.Empty;

    public IReadOnlyList<string> Vdevs { get; } = [];

    public string Directory { get; } = string.Empty;

    public string Inventory { get; } = string.Empty;

    public PlaybookRun FirstRun { get; } = null!;

    public PlaybookRun SecondRun { get; } = null!;

    public IReadOnlyList<string> Hosts { get; } = ["host-a", "host-b"];

    public int VictoriaMetricsPort { get; } = Loopback.FreePort();

    public int VmalertPort { get; } = Loopback.FreePort();

    public AlertReceiver Alertmanager { get; } = new(Loopback.FreePort());

    public BackgroundProgram VictoriaMetrics { get; private set; } = null!;

    public BackgroundProgram Vmalert { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>When VictoriaMetrics started scraping.</summary>
    public DateTimeOffset ScrapingSince { get; private set; }

    /// <summary>The victoriametrics role's files (the metrics host's victoriametrics_config_dir).</summary>
    public string ConfigDir => Path.Combine(Directory, "vm", "etc");

    public string VictoriaMetricsUrl => $"http://127.0.0.1:{VictoriaMetricsPort}";

    /// <summary>The result vector of an instant query (GET /api/v1/query).</summary>
    public JsonArray Query(string promql)
    {
        var answer = Get($"{VictoriaMetricsUrl}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        return answer["data"]!["result"]!.AsArray();
    }

    /// <summary>The result matrix of a range query over the last <paramref name="span"/> (GET /api/v1/query_range).</summary>
    public JsonArray QueryRange(string promql, TimeSpan span, TimeSpan step)
    {
        var end = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var answer = Get($"{VictoriaMetricsUrl}/api/v1/query_range?query={Uri.EscapeDataString(promql)}&start={end - (long)span.TotalSeconds}&end={end}&step={(long)step.TotalSeconds}");
        return answer["data"]!["result"]!.AsArray();
    }

    public JsonNode Get(string url)
    {
        var text = Http.GetStringAsync(url).GetAwaiter().GetResult();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"no JSON from {url}");
    }

    /// <summary>Runs the two plays again with extra options (-e …); the inventory and playbook are the fixture's.</summary>
    public PlaybookRun Converge(params string[] options) => AnsiblePlaybook.Run(Playbook, ["-i", Inventory, .. options]);

    public void Dispose()
    {
        foreach (var running in Enumerable.Reverse(_running))
        {
            running.Dispose();
        }

        Http.Dispose();
        Alertmanager.Dispose();
        Sandbox.Dispose();
    }

    // The last two plays of site.yml, on this fixture's inventory.
    private const string Playbook = """
        - name: The zfs-api service
          hosts: zfs_hosts
          gather_facts: false
          roles:
            - role: zfsansible.zfs.zfs_api
        - name: VictoriaMetrics, scraping every zfs-api
          hosts: metrics_servers
          gather_facts: false
          roles:
            - role: zfsansible.zfs.victoriametrics
        """;

    private void MakePoolWithHistory()
    {
        Sandbox.Check("zpool", "create", "-f", "-m", $"{Directory}/mnt", Pool, "mirror", Vdevs[0], Vdevs[1]);
        Sandbox.Check("zfs", "create", "-o", "zfsansible:policy=standard", "-o", "zfsansible:policy_source=explicit", "-o", "zfsansible:retention=hourly=2,daily=1",
            "-o", "zfsansible:replicate=on", "-o", "zfsansible:discover_children=off", $"{Pool}/docs");
        Sandbox.Check("zfs", "snapshot", $"{Pool}/docs@zfsansible_{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}_hourly");
        // A real local pull: the replica records its replication's time, duration and bytes.
        var pull = Processes.Run(Repository.Executable("zfs_replicate", "linux-x64"), ["run", "-d", $"{Pool}/docs", "-t", $"{Pool}/raw", "--lock-dir", Directory]);
        if (pull.ExitCode != 0)
        {
            throw new InvalidOperationException($"the pull failed: {pull}");
        }
    }

    private int ApiPort(string host) => _apiPorts.GetValueOrDefault(host);

    private readonly Dictionary<string, int> _apiPorts = [];

    private string WriteInventory()
    {
        foreach (var host in Hosts)
        {
            _apiPorts[host] = Loopback.FreePort();
        }

        var path = Path.Combine(Directory, "inventory.yml");
        File.WriteAllText(path, $$"""
            all:
              vars:
                ansible_connection: local
                ansible_python_interpreter: /usr/bin/python3
                ansible_host: 127.0.0.1
                zfs_api_run_as_root: true
                zfs_api_token: {{Token}}
                zfs_api_cache_seconds: 1
                zfs_api_fetch_cert_dir: {{Directory}}/certs
              children:
                zfs_hosts:
                  hosts:
                    host-a: { zfs_api_root: {{Directory}}/root-a, zfs_api_listen: "127.0.0.1:{{ApiPort("host-a")}}" }
                    host-b: { zfs_api_root: {{Directory}}/root-b, zfs_api_listen: "127.0.0.1:{{ApiPort("host-b")}}" }
                metrics_servers:
                  hosts:
                    metrics:
                      victoriametrics_systemd: false
                      victoriametrics_config_dir: {{ConfigDir}}
                      victoriametrics_storage_path: {{Directory}}/vm/data
                      victoriametrics_listen: "127.0.0.1:{{VictoriaMetricsPort}}"
                      victoriametrics_vmalert_listen: "127.0.0.1:{{VmalertPort}}"
                      victoriametrics_scrape_interval: {{ScrapeInterval}}
                      victoriametrics_scrape_timeout: {{ScrapeInterval}}
                      victoriametrics_latency_offset: 1s
                      victoriametrics_alert_evaluation_interval: {{ScrapeInterval}}
                      victoriametrics_zfs_api_token: {{Token}}
                      victoriametrics_alert_notifier_urls: ["{{Alertmanager.Url}}"]
            """);
        return path;
    }

    private void StartServices()
    {
        foreach (var host in Hosts)
        {
            var root = Path.Combine(Directory, $"root-{host[^1]}");
            var secrets = Path.Combine(root, "etc/zfsansible/zfs-api");
            // What the unit's ExecStart runs, with the secrets where systemd would hand them over.
            var api = Start(new BackgroundProgram(Path.Combine(root, "usr/local/lib/zfsansible/zfs-api"),
                ["serve", "--config", Path.Combine(root, "etc/zfsansible/zfs-api.json"), "--cert", $"{secrets}/cert.pem", "--key", $"{secrets}/key.pem", "--token-file", $"{secrets}/token"]));
            api.WaitUntilListening(ApiPort(host));
        }

        ScrapingSince = DateTimeOffset.UtcNow;
        VictoriaMetrics = Start(new BackgroundProgram("/usr/bin/victoria-metrics", EnvironmentFileArgs(Path.Combine(ConfigDir, "victoria-metrics.env"))));
        VictoriaMetrics.WaitUntilListening(VictoriaMetricsPort);
        Vmalert = Start(new BackgroundProgram("/usr/bin/vmalert", EnvironmentFileArgs(Path.Combine(ConfigDir, "vmalert.env"))));
        Vmalert.WaitUntilListening(VmalertPort);

        Polling.Eventually(
            () => Get($"{VictoriaMetricsUrl}/api/v1/targets")["data"]!["activeTargets"]!.AsArray().Count(t => t!["health"]!.GetValue<string>() == "up") == Hosts.Count,
            "both zfs-api targets scraped successfully");
        Polling.Eventually(() => Query("zfs_pool_health").Count > 0, "the first samples answered by a query");
        GrowThePool();
    }

    // Days-until-full and growth panels need a pool that grows between scrapes.
    private void GrowThePool()
    {
        var file = Path.Combine(Directory, "mnt", "docs", "growth.bin");
        var block = new byte[1 << 20];
        Random.Shared.NextBytes(block);
        for (var i = 0; i < 3; i++)
        {
            using (var stream = new FileStream(file, FileMode.Append))
            {
                for (var mb = 0; mb < 4; mb++)
                {
                    stream.Write(block);
                }
            }

            Thread.Sleep(3000);
        }

        Polling.Eventually(() => Query($"deriv(zfs_pool_allocated_bytes{{pool=\"{Pool}\"}}[7d]) > 0").Count == Hosts.Count, "the pool's growth seen by VictoriaMetrics on both hosts");
    }

    private T Start<T>(T program)
        where T : IDisposable
    {
        _running.Add(program);
        return program;
    }

    /// <summary>The ARGS="..." line of a service's environment file, split as systemd splits $ARGS.</summary>
    private static string[] EnvironmentFileArgs(string path)
    {
        var line = File.ReadAllLines(path).Single(l => l.StartsWith("ARGS=\"", StringComparison.Ordinal));
        return line["ARGS=\"".Length..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}

/// <summary>One alert as Alertmanager received it.</summary>
public sealed record ReceivedAlert(IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations);

/// <summary>Alertmanager's receiving end (POST /api/v2/alerts), recording every alert vmalert sends.</summary>
public sealed class AlertReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<ReceivedAlert> _alerts = [];

    public AlertReceiver(int port)
    {
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = Task.Run(Receive);
    }

    public string Url { get; }

    public IReadOnlyList<ReceivedAlert> Alerts
    {
        get
        {
            lock (_alerts)
            {
                return [.. _alerts];
            }
        }
    }

    public void Dispose() => _listener.Close();

    // vmalert 1.79 sends "alertname" twice in labels (Alertmanager's decoder keeps the last): read them one by one.
    private static Dictionary<string, string> Strings(JsonElement alert, string name)
    {
        var strings = new Dictionary<string, string>();
        if (alert.TryGetProperty(name, out var values))
        {
            foreach (var property in values.EnumerateObject())
            {
                strings[property.Name] = property.Value.GetString() ?? string.Empty;
            }
        }

        return strings;
    }

    private async Task Receive()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using (var body = await JsonDocument.ParseAsync(context.Request.InputStream))
            {
                var batch = body.RootElement.EnumerateArray().Select(a => new ReceivedAlert(Strings(a, "labels"), Strings(a, "annotations"))).ToList();
                lock (_alerts)
                {
                    _alerts.AddRange(batch);
                }
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
