using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests.Monitoring;

/// <summary>
/// The victoriametrics role proven on live data: real VictoriaMetrics scraping two real zfs-api instances over HTTPS,
/// every Grafana panel's query and every README question answered, the alert rules unit-tested by promtool and run by
/// vmalert, and a mirror degraded on real ZFS seen and alerted on.
/// </summary>
public sealed partial class VictoriaMetricsTests(MonitoringSandbox fleet) : IClassFixture<MonitoringSandbox>
{
    private static readonly string Dashboard = Path.Combine(Repository.Root, "ansible/roles/victoriametrics/files/grafana/zfsansible-fleet.json");

    [Fact]
    public void The_roles_converge_and_a_second_run_changes_nothing()
    {
        Assert.True(fleet.FirstRun.ExitCode == 0 && fleet.FirstRun.Failures == 0, fleet.FirstRun.ToString());
        Assert.True(fleet.SecondRun.ExitCode == 0 && fleet.SecondRun.Changed == 0, fleet.SecondRun.ToString());
    }

    [Fact]
    public void Every_zfs_api_is_scraped_over_https_with_its_certificate_verified_and_the_token()
    {
        var targets = fleet.Get($"{fleet.VictoriaMetricsUrl}/api/v1/targets")["data"]!["activeTargets"]!.AsArray();
        Assert.Equal(fleet.Hosts, targets.Select(t => t!["labels"]!["hostname"]!.GetValue<string>()).Order());
        Assert.All(targets, t =>
        {
            Assert.Equal("up", t!["health"]!.GetValue<string>());
            Assert.StartsWith("https://127.0.0.1:", t["scrapeUrl"]!.GetValue<string>());
        });

        var scrape = File.ReadAllText(Path.Combine(fleet.ConfigDir, "scrape.yml"));
        Assert.Contains("scrape_interval: 2s", scrape);
        Assert.Contains($"ca_file: {fleet.ConfigDir}/zfs-api-ca.pem", scrape);
        Assert.Contains($"bearer_token_file: {fleet.ConfigDir}/zfs-api.token", scrape);
        Assert.DoesNotContain("insecure_skip_verify", scrape);
        Assert.DoesNotContain(MonitoringSandbox.Token, scrape);
        Assert.Equal(2, Regex.Count(File.ReadAllText(Path.Combine(fleet.ConfigDir, "zfs-api-ca.pem")), "BEGIN CERTIFICATE"));
    }

    [Fact]
    public async Task The_retention_is_one_year_as_victoriametrics_itself_reports_it()
    {
        var metrics = await fleet.Http.GetStringAsync($"{fleet.VictoriaMetricsUrl}/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("flag{name=\"retentionPeriod\", value=\"1y\", is_set=\"true\"} 1", metrics);
        Assert.Contains($"flag{{name=\"storageDataPath\", value=\"{fleet.Directory}/vm/data\", is_set=\"true\"}} 1", metrics);
    }

    [Fact]
    public void Queries_return_the_pools_datasets_compliance_and_replication_of_every_host()
    {
        foreach (var host in fleet.Hosts)
        {
            Assert.Single(fleet.Query($"zfs_pool_size_bytes{{hostname=\"{host}\", pool=\"{fleet.Pool}\"}}"));
            Assert.Single(fleet.Query($"zfs_dataset_used_bytes{{hostname=\"{host}\", dataset=\"{fleet.Pool}/docs\", policy=\"standard\"}}"));
            var compliance = fleet.Query($"zfs_snapshot_compliance_ratio{{hostname=\"{host}\", dataset=\"{fleet.Pool}/docs\"}}");
            Assert.Equal(["daily 0", "hourly 0.5"], compliance.Select(s => $"{s!["metric"]!["interval"]} {s["value"]![1]}").Order());
            Assert.Single(fleet.Query($"zfs_replication_last_bytes{{hostname=\"{host}\", dataset=\"{fleet.Pool}/raw/{fleet.Pool}/docs\"}} > 0"));
        }
    }

    [Fact]
    public void Every_dashboard_panel_query_returns_series_with_the_labels_its_legend_names()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Dashboard))!;
        var targets = dashboard["panels"]!.AsArray()
            .Where(p => p!["type"]!.GetValue<string>() != "row")
            .SelectMany(p => p!["targets"]!.AsArray().Select(t => (Panel: p["title"]!.GetValue<string>(), Expr: t!["expr"]!.GetValue<string>(), Legend: t["legendFormat"]!.GetValue<string>())))
            .ToList();
        Assert.True(targets.Count >= 14, $"only {targets.Count} queries in the dashboard");
        Assert.All(dashboard["panels"]!.AsArray().Where(p => p!["type"]!.GetValue<string>() != "row"), p => Assert.Equal("${datasource}", p!["datasource"]!["uid"]!.GetValue<string>()));

        foreach (var (panel, expr, legend) in targets)
        {
            // As Grafana sends it with "All" hosts and pools selected, then with one host.
            var all = fleet.Query(Substitute(expr, ".*"));
            Assert.True(all.Count > 0, $"panel \"{panel}\": no series for {expr}");
            foreach (var label in LegendLabels().Matches(legend).Select(m => m.Groups[1].Value))
            {
                Assert.All(all, s => Assert.True(s!["metric"]![label] is not null, $"panel \"{panel}\": a series without label {label}: {s}"));
            }

            var one = fleet.Query(Substitute(expr, "host-a"));
            Assert.True(one.Count > 0 && one.All(s => s!["metric"]!["hostname"]!.GetValue<string>() == "host-a"), $"panel \"{panel}\" filtered to host-a: {one}");

            // And as a time-series panel asks: a range with a step, over everything scraped so far.
            var range = fleet.QueryRange(Substitute(expr, ".*"), DateTimeOffset.UtcNow - fleet.ScrapingSince, TimeSpan.FromSeconds(5));
            Assert.True(range.Count > 0 && range.All(s => s!["values"]!.AsArray().Count > 0), $"panel \"{panel}\": no range for {expr}: {range.ToJsonString()}");
        }

        // The variables' own queries: label_values(<selector>, <label>).
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().Where(v => v!["type"]!.GetValue<string>() == "query"))
        {
            var match = LabelValues().Match(variable!["definition"]!.GetValue<string>());
            Assert.True(match.Success, $"variable {variable["name"]}: {variable["definition"]}");
            var url = $"{fleet.VictoriaMetricsUrl}/api/v1/label/{match.Groups[2].Value}/values?match[]={Uri.EscapeDataString(Substitute(match.Groups[1].Value, ".*"))}";
            var values = fleet.Get(url)["data"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
            Assert.Equal(variable["name"]!.GetValue<string>() == "hostname" ? fleet.Hosts : [fleet.Pool], values.Where(v => v.StartsWith("host-", StringComparison.Ordinal) || v == fleet.Pool));
        }
    }

    [Fact]
    public void Every_promql_question_of_the_readme_gets_an_answer()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var questions = PromqlBlocks().Matches(readme).Select(m => m.Groups[1].Value.Trim()).ToList();
        Assert.True(questions.Count >= 4, $"only {questions.Count} ```promql blocks in the README");
        foreach (var question in questions)
        {
            var answer = fleet.Query(question);
            Assert.True(answer.Count > 0, $"no answer to the README's {question}");
            Assert.All(answer, s => Assert.True(s!["metric"]!["hostname"] is not null, $"an answer without its host: {s}"));
        }
    }

    [Fact]
    public void The_alert_rules_pass_their_promtool_unit_tests()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("zfsansible-rules-").FullName;
        try
        {
            File.Copy(Path.Combine(fleet.ConfigDir, "rules/zfs-alerts.yml"), Path.Combine(directory, "zfs-alerts.yml"));
            File.Copy(Path.Combine(Repository.Root, "tests/ZfsAnsible.Integration.Tests/Monitoring/zfs-alerts.promtool.yml"), Path.Combine(directory, "tests.yml"));
            var check = Promtool.CheckRules(Path.Combine(directory, "zfs-alerts.yml"));
            Assert.True(check.ExitCode == 0, check.ToString());
            var test = Promtool.TestRules(Path.Combine(directory, "tests.yml"));
            Assert.True(test.ExitCode == 0 && test.StandardOutput.Contains("SUCCESS", StringComparison.Ordinal), test.ToString());
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Every_alert_rule_runs_in_vmalert_on_the_live_data_without_error()
    {
        List<JsonObject> Rules() => [.. fleet.Get($"http://127.0.0.1:{fleet.VmalertPort}/api/v1/rules")["data"]!["groups"]!.AsArray()
            .SelectMany(g => g!["rules"]!.AsArray()).OfType<JsonObject>()];

        // MetricsQL, not only promtool's PromQL: each rule evaluated by vmalert against what was scraped.
        Polling.Eventually(() => Rules().All(r => !r["lastEvaluation"]!.GetValue<string>().StartsWith("0001", StringComparison.Ordinal)), "every rule evaluated once");
        var rules = Rules();
        Assert.Equal(13, rules.Count);
        Assert.All(rules, r => Assert.True(r["health"]!.GetValue<string>() == "ok" && r["lastError"]!.GetValue<string>() == "", $"{r["name"]}: {r}"));
        // The sandbox's dataset keeps one of the two hourly snapshots its policy wants, with no history an hour back:
        // below its policy and not (yet) seen catching up, so pending.
        Assert.Contains(rules, r => r["name"]!.GetValue<string>() == "ZfsSnapshotComplianceLow" && r["state"]!.GetValue<string>() is "pending" or "firing");
    }

    [Fact]
    public void A_vdev_taken_offline_is_seen_within_a_scrape_and_fires_the_pool_alert_to_alertmanager()
    {
        Assert.Empty(fleet.Query($"zfs_pool_health{{pool=\"{fleet.Pool}\", state!=\"ONLINE\"}} == 1"));
        fleet.Sandbox.Check("zpool", "offline", fleet.Pool, fleet.Vdevs[1]);
        try
        {
            SeenAndAlerted();
        }
        finally
        {
            // The other facts share the pool.
            fleet.Sandbox.Check("zpool", "online", fleet.Pool, fleet.Vdevs[1]);
        }
    }

    private void SeenAndAlerted()
    {
        var offline = DateTime.UtcNow;

        Polling.Eventually(() => fleet.Query($"zfs_pool_health{{pool=\"{fleet.Pool}\", state=\"DEGRADED\"}} == 1").Count == fleet.Hosts.Count, "DEGRADED on both hosts in VictoriaMetrics");
        var seen = DateTime.UtcNow - offline;
        Polling.Eventually(() => FiringPoolAlerts(fleet.Get($"http://127.0.0.1:{fleet.VmalertPort}/api/v1/alerts")["data"]!["alerts"]!.AsArray()) == fleet.Hosts.Count, "ZfsPoolNotOnline firing in vmalert for both hosts");
        Polling.Eventually(() => fleet.Alertmanager.Alerts.Any(a => a.Labels.GetValueOrDefault("alertname") == "ZfsPoolNotOnline"), "the alert delivered to Alertmanager");

        var delivered = fleet.Alertmanager.Alerts.First(a => a.Labels.GetValueOrDefault("alertname") == "ZfsPoolNotOnline");
        Assert.Equal(fleet.Pool, delivered.Labels["pool"]);
        Assert.Equal("DEGRADED", delivered.Labels["state"]);
        Assert.Equal("critical", delivered.Labels["severity"]);
        Assert.Equal($"Pool {fleet.Pool} on {delivered.Labels["hostname"]} is DEGRADED", delivered.Annotations["summary"]);
        // Written back into VictoriaMetrics as well, where a dashboard can show it.
        Polling.Eventually(() => fleet.Query($"ALERTS{{alertname=\"ZfsPoolNotOnline\", alertstate=\"firing\", pool=\"{fleet.Pool}\"}}").Count > 0, "ALERTS in VictoriaMetrics");
        TestContext.Current.SendDiagnosticMessage($"DEGRADED visible in VictoriaMetrics {seen.TotalSeconds:F1} s after zpool offline (scrape interval {MonitoringSandbox.ScrapeInterval})");

        int FiringPoolAlerts(JsonArray alerts) => alerts.Count(a => a!["name"]!.GetValue<string>() == "ZfsPoolNotOnline" && a["state"]!.GetValue<string>() == "firing"
            && a["labels"]!["pool"]!.GetValue<string>() == fleet.Pool);
    }

    [Fact]
    public void The_token_is_in_no_log_and_no_ansible_output()
    {
        Assert.DoesNotContain(MonitoringSandbox.Token, fleet.FirstRun.Raw + fleet.FirstRun.StandardError);
        Assert.DoesNotContain(MonitoringSandbox.Token, fleet.SecondRun.Raw + fleet.SecondRun.StandardError);
        Assert.DoesNotContain(MonitoringSandbox.Token, fleet.VictoriaMetrics.Output + fleet.Vmalert.Output);
        var diff = fleet.Converge("--check", "--diff", "-e", "victoriametrics_zfs_api_token=another-token-0123456789");
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.DoesNotContain("another-token-0123456789", diff.Raw + diff.StandardError);
    }

    [Fact]
    public void A_bad_certificate_bundle_fails_with_victoriametrics_own_message_and_changes_nothing()
    {
        var bad = Path.Combine(fleet.Directory, "not-a-certificate.pem");
        File.WriteAllText(bad, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        var before = Directory.GetFiles(fleet.ConfigDir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);

        var run = fleet.Converge("--limit", "metrics", "-e", $"victoriametrics_zfs_api_ca_src={bad}");

        Assert.NotEqual(0, run.ExitCode);
        var failed = run.ResultsOf("metrics")["Install the certificates to trust"];
        Assert.Equal("failed to validate", failed["msg"]!.GetValue<string>());
        Assert.Contains("cannot parse data from `ca_file`", failed["stderr"]!.GetValue<string>());
        Assert.Equal(before, Directory.GetFiles(fleet.ConfigDir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText));
    }

    [Fact]
    public void Settings_out_of_range_fail_before_anything_is_written()
    {
        foreach (var setting in new[]
        {
            """{"victoriametrics_retention": "forever"}""", """{"victoriametrics_scrape_interval": "often"}""", """{"victoriametrics_alert_capacity_ratio": 1.5}""",
            """{"victoriametrics_zfs_api_token": "two words"}""", """{"victoriametrics_alert_notifier_urls": []}""", """{"victoriametrics_listen": "8428; rm -rf /"}""",
        })
        {
            var run = fleet.Converge("--limit", "metrics", "-e", setting);
            Assert.NotEqual(0, run.ExitCode);
            var check = run.ResultsOf("metrics")["Check the settings"];
            Assert.True(check["failed"]!.GetValue<bool>(), $"{setting}: {check}");
            Assert.Contains("victoriametrics_retention a number with h, d, w or y", check["msg"]!.GetValue<string>());
        }
    }

    private static string Substitute(string expr, string value) => expr.Replace("$hostname", value, StringComparison.Ordinal).Replace("$pool", ".*", StringComparison.Ordinal);

    [GeneratedRegex(@"\{\{(\w+)\}\}")]
    private static partial Regex LegendLabels();

    [GeneratedRegex(@"^label_values\((.*), (\w+)\)$")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"```promql\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex PromqlBlocks();
}
