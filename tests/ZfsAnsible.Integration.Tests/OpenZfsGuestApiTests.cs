using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// The zfs_api role on OpenZFS under the guest's real systemd: the service runs as a transient unprivileged user with
/// its secrets as credentials, a scrape over HTTPS that trusts the role's self-signed certificate by name returns the
/// guest's pools and passes promtool, no token is 401 and the token never reaches the journal, an offlined mirror vdev
/// is DEGRADED in the next scrape, a killed service comes back, and state=absent removes it. Then the victoriametrics
/// role on the same systemd: the Debian package's service scraping that zfs-api over HTTPS with the fetched
/// certificate, vmalert as a transient user firing the pool alert for the offlined vdev, and its removal.
/// </summary>
public sealed class OpenZfsGuestApiTests : IDisposable
{
    private const string Token = "guest-api-token-5c1e9a2b";
    private const string Secrets = "/etc/zfsansible/zfs-api";

    private readonly OpenZfsGuest _guest = new();
    private readonly string _certs = Directory.CreateTempSubdirectory("zfsansible-guest-certs-").FullName;
    private readonly string _pool;
    private readonly IReadOnlyList<string> _vdevs;

    public OpenZfsGuestApiTests()
    {
        _pool = _guest.Pool("api");
        _vdevs = _guest.Vdevs(2);
        _guest.Check("zpool", "create", "-f", "-m", $"{_guest.Scratch}/{_pool}", _pool, "mirror", _vdevs[0], _vdevs[1]);
        _guest.Check("zfs", "create", "-o", "zfsansible:policy=standard", "-o", "zfsansible:policy_source=explicit", "-o", "zfsansible:retention=hourly=2",
            "-o", "zfsansible:replicate=off", "-o", "zfsansible:discover_children=off", $"{_pool}/docs");
        _guest.Check("zfs", "snapshot", $"{_pool}/docs@zfsansible_{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}_hourly");
    }

    public void Dispose()
    {
        _guest.Run("sh", "-c", $"systemctl disable --now zfs-api.service vmalert.service victoria-metrics.service; dpkg --purge victoria-metrics; " +
            $"rm -rf /etc/systemd/system/zfs-api.service /etc/systemd/system/vmalert.service /etc/systemd/system/victoria-metrics.service.d /etc/victoria-metrics /var/lib/victoria-metrics /etc/zfsansible/zfs-api.json {Secrets}; systemctl daemon-reload");
        _guest.Dispose();
        Directory.Delete(_certs, recursive: true);
    }

    private string Playbook(string state = "present") => $$"""
        - hosts: all
          gather_facts: false
          roles:
            - role: zfsansible.zfs.zfs_api
              vars:
                zfs_api_state: {{state}}
                zfs_api_token: {{Token}}
                zfs_api_hostname: guest-host
                zfs_api_cache_seconds: 0
                zfs_api_fetch_cert_dir: {{_certs}}
        """;

    /// <summary>
    /// A request from inside the guest by Python's urllib, which trusts only the role's certificate and checks that it
    /// names <paramref name="host"/>: "STATUS\nBODY".
    /// </summary>
    private (int Status, string Body) Get(string path, string host = "localhost", bool withToken = true)
    {
        var script = $$"""
            import ssl, sys, urllib.request, urllib.error
            context = ssl.create_default_context(cafile="{{Secrets}}/cert.pem")
            request = urllib.request.Request("https://{{host}}:9742{{path}}")
            if {{(withToken ? "True" : "False")}}:
                request.add_header("Authorization", "Bearer " + open("{{Secrets}}/token").read().strip())
            try:
                response = urllib.request.urlopen(request, context=context, timeout=30)
                print(response.status); sys.stdout.write(response.read().decode())
            except urllib.error.HTTPError as error:
                print(error.code)
            """;
        var output = _guest.Check("python3", "-c", script);
        var newline = output.IndexOf('\n', StringComparison.Ordinal);
        return (int.Parse(output[..newline], System.Globalization.CultureInfo.InvariantCulture), output[(newline + 1)..]);
    }

    private string VictoriaMetricsPlaybook(string state = "present") => $$"""
        - hosts: all
          gather_facts: false
          roles:
            - role: zfsansible.zfs.victoriametrics
              vars:
                victoriametrics_state: {{state}}
                victoriametrics_zfs_api_targets: [{ hostname: guest-host, address: "localhost:9742" }]
                victoriametrics_zfs_api_ca_src: {{(Directory.Exists(_certs) ? Directory.GetFiles(_certs).SingleOrDefault() ?? "" : "")}}
                victoriametrics_zfs_api_token: {{Token}}
                victoriametrics_scrape_interval: 5s
                victoriametrics_scrape_timeout: 5s
                victoriametrics_latency_offset: 1s
                victoriametrics_alert_evaluation_interval: 5s
        """;

    /// <summary>An instant query from inside the guest: the number of series it returns.</summary>
    private int GuestQueryCount(string promql) => int.Parse(_guest.Check("python3", "-c", $$"""
        import json, urllib.parse, urllib.request
        url = "http://127.0.0.1:8428/api/v1/query?" + urllib.parse.urlencode({"query": {{System.Text.Json.JsonSerializer.Serialize(promql)}}})
        print(len(json.load(urllib.request.urlopen(url, timeout=10))["data"]["result"]))
        """).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private void VictoriaMetricsScrapesItUnderSystemd()
    {
        // Debian's package (bookworm) as the role would install it from the archive; the guest has no mirror.
        var debs = DebianPackages.Download("victoria-metrics", "adduser").Select(_guest.Upload).ToArray();
        _guest.Check(["dpkg", "-i", .. debs]);

        // One converge: the role's second run (changed=0) is proven on zfs-fuse and in Molecule; the guest's time goes to systemd.
        var converge = _guest.Play(VictoriaMetricsPlaybook());
        Assert.True(converge.ExitCode == 0, converge.ToString());
        Assert.DoesNotContain(Token, converge.ToString(), StringComparison.Ordinal);

        Assert.Equal("active", _guest.Systemctl("is-active", "victoria-metrics.service"));
        Assert.Equal("active", _guest.Systemctl("is-active", "vmalert.service"));
        Assert.Equal("640 root _victoria-metrics", _guest.Check("stat", "-c", "%a %U %G", "/etc/victoria-metrics/zfs-api.token").Trim());
        var vmalertPid = _guest.Systemctl("show", "-p", "MainPID", "--value", "vmalert.service");
        Assert.InRange(int.Parse(_guest.Check("stat", "-c", "%u", $"/proc/{vmalertPid}").Trim(), System.Globalization.CultureInfo.InvariantCulture), 61184, 65519);
        Assert.Matches(@"Overall exposure level for vmalert\.service: [0-9.]+ (OK|SAFE)", _guest.Run("systemd-analyze", "security", "vmalert.service", "--no-pager").StandardOutput);
        // The role's command line through its drop-in; the package's own file stays as shipped (a conffile).
        Assert.DoesNotContain("retentionPeriod", _guest.Check("cat", "/etc/default/victoria-metrics"), StringComparison.Ordinal);
        Assert.Contains("-retentionPeriod=1y", _guest.Check("cat", "/proc/" + _guest.Systemctl("show", "-p", "MainPID", "--value", "victoria-metrics.service") + "/cmdline").Replace('\0', ' '), StringComparison.Ordinal);

        // Scraped over HTTPS with the certificate verified by name and the token (up == 1), the pool in a query.
        Polling.Eventually(() => GuestQueryCount($"up{{job=\"zfs-api\", hostname=\"guest-host\"}} == 1") == 1, "zfs-api scraped by VictoriaMetrics");
        Polling.Eventually(() => GuestQueryCount($"zfs_pool_health{{pool=\"{_pool}\", state=\"ONLINE\"}} == 1") == 1, "the pool in VictoriaMetrics");

        _guest.Check("zpool", "offline", _pool, _vdevs[1]);
        Polling.Eventually(() => GuestQueryCount($"zfs_pool_health{{pool=\"{_pool}\", state=\"DEGRADED\"}} == 1") == 1, "DEGRADED in VictoriaMetrics");
        Polling.Eventually(() => GuestQueryCount($"ALERTS{{alertname=\"ZfsPoolNotOnline\", alertstate=\"firing\", pool=\"{_pool}\"}}") == 1, "vmalert firing ZfsPoolNotOnline");
        Assert.DoesNotContain(Token, _guest.Check("journalctl", "-u", "victoria-metrics.service", "-u", "vmalert.service", "--no-pager"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_role_runs_zfs_api_under_systemd_unprivileged_and_a_scrape_over_https_sees_the_pools()
    {
        // Check mode of the role is run on zfs-fuse (FleetInventoryTests, into roots); the guest's time goes to systemd.
        var converge = _guest.Play(Playbook());
        Assert.True(converge.ExitCode == 0, converge.ToString());
        Assert.DoesNotContain(Token, converge.ToString(), StringComparison.Ordinal);
        var again = _guest.Play(Playbook());
        Assert.True(again.ExitCode == 0 && again.Changed == 0, again.ToString());

        // A transient unprivileged user, no capabilities, its secrets root's alone.
        Assert.Equal("active", _guest.Systemctl("is-active", "zfs-api.service"));
        var pid = _guest.Systemctl("show", "-p", "MainPID", "--value", "zfs-api.service");
        // systemd's range of transient users (the guest resolves no name for them).
        Assert.InRange(int.Parse(_guest.Check("stat", "-c", "%u", $"/proc/{pid}").Trim(), System.Globalization.CultureInfo.InvariantCulture), 61184, 65519);
        Assert.Equal("0000000000000000", _guest.Check("sh", "-c", $"grep CapEff /proc/{pid}/status | cut -f2").Trim());
        Assert.Equal("700 root", _guest.Check("stat", "-c", "%a %U", Secrets).Trim());
        var security = _guest.Run("systemd-analyze", "security", "zfs-api.service", "--no-pager").StandardOutput;
        Assert.Matches(@"Overall exposure level for zfs-api\.service: [0-9.]+ (OK|SAFE)", security);

        // The scrape, as VictoriaMetrics makes it: HTTPS, the certificate checked by name, the token.
        var (status, metrics) = Get("/metrics");
        Assert.Equal(200, status);
        Assert.Contains($"zfs_pool_health{{hostname=\"guest-host\",pool=\"{_pool}\",state=\"ONLINE\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"zfs_snapshot_retention_target{{hostname=\"guest-host\",pool=\"{_pool}\",dataset=\"{_pool}/docs\",policy=\"standard\",interval=\"hourly\"}} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("zfs_api_collection_success{hostname=\"guest-host\"} 1", metrics, StringComparison.Ordinal);
        var promtool = Promtool.CheckMetrics(metrics);
        Assert.True(promtool.ExitCode == 0, promtool.ToString());

        Assert.Equal(200, Get("/api/health", host: "127.0.0.1").Status);
        Assert.Equal(401, Get("/api/pools", withToken: false).Status);
        Assert.DoesNotContain(Token, _guest.Check("journalctl", "-u", "zfs-api.service", "--no-pager"), StringComparison.Ordinal);

        // A vdev taken offline shows in the next scrape, and in VictoriaMetrics' next one, where vmalert fires.
        VictoriaMetricsScrapesItUnderSystemd();
        Assert.Contains($"zfs_pool_health{{hostname=\"guest-host\",pool=\"{_pool}\",state=\"DEGRADED\"}} 1", Get("/metrics").Body, StringComparison.Ordinal);
        _guest.Check("zpool", "online", _pool, _vdevs[1]);

        // Restart=on-failure: a killed service comes back on its own.
        _guest.Check("kill", "-9", pid);
        Polling.Eventually(() => _guest.Systemctl("is-active", "zfs-api.service") == "active" && _guest.Systemctl("show", "-p", "MainPID", "--value", "zfs-api.service") is var now && now != pid && now != "0",
            "systemd restarted the killed service");
        Polling.Eventually(() => _guest.Run("python3", "-c", "import socket; socket.create_connection(('127.0.0.1', 9742), 1)").ExitCode == 0, "the restarted service listens");

        // Both roles removed in one run.
        var removed = _guest.Play(VictoriaMetricsPlaybook("absent") + "\n" + Playbook("absent"));
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Equal("inactive", _guest.Systemctl("is-active", "vmalert.service"));
        Assert.Equal("inactive", _guest.Systemctl("is-active", "victoria-metrics.service"));
        Assert.NotEqual(0, _guest.Run("test", "-e", "/etc/victoria-metrics/zfs-api.token").ExitCode);
        Assert.Equal(0, _guest.Run("test", "-d", "/var/lib/victoria-metrics/data").ExitCode);
        Assert.Equal("inactive", _guest.Systemctl("is-active", "zfs-api.service"));
        Assert.NotEqual(0, _guest.Run("test", "-e", Secrets).ExitCode);
        Assert.NotEqual(0, _guest.Run("test", "-e", "/usr/local/lib/zfsansible/zfs-api").ExitCode);
    }
}
