using ZfsAnsible.Api.Metrics;

namespace ZfsAnsible.Api.Tests;

public sealed class HostMetricsTests
{
    private static readonly CollectionStats Good = new(3, 1, TimeSpan.FromMilliseconds(250), ScriptedHost.Now, null);

    private static string Exposition(TimeSpan? later = null) => PrometheusText.Write(HostMetrics.Of(ScriptedHost.State(), Good, "host-storage", ScriptedHost.Now + (later ?? TimeSpan.Zero)));

    [Fact]
    public void The_collection_reads_one_zpool_list_and_one_zfs_get_after_the_probe()
    {
        var runner = ScriptedHost.Runner();
        var state = new Collection.HostCollector(runner, TimeProvider.System).Collect();
        Assert.True(state.IsOk, state.Error?.Message);
        Assert.Equal(["zfs version", "zpool list", "zfs get"], runner.Ran.Select(c => string.Join(' ', c.ToString().Split(' ').Take(2))));
    }

    [Fact]
    public void Pool_health_is_one_series_per_state_with_the_current_one_set()
    {
        var text = Exposition();
        Assert.Contains("zfs_pool_health{hostname=\"host-storage\",pool=\"tank\",state=\"DEGRADED\"} 1\n", text);
        Assert.Contains("zfs_pool_health{hostname=\"host-storage\",pool=\"tank\",state=\"ONLINE\"} 0\n", text);
        Assert.Contains("zfs_pool_health{hostname=\"host-storage\",pool=\"slowpool\",state=\"ONLINE\"} 1\n", text);
        Assert.Equal(HostMetrics.PoolStates.Length * 2, text.Split('\n').Count(l => l.StartsWith("zfs_pool_health{", StringComparison.Ordinal)));
    }

    [Fact]
    public void Pool_sizes_and_ratios_are_in_bytes_and_zero_to_one()
    {
        var text = Exposition();
        Assert.Contains("zfs_pool_size_bytes{hostname=\"host-storage\",pool=\"tank\"} 1000000\n", text);
        Assert.Contains("zfs_pool_allocated_bytes{hostname=\"host-storage\",pool=\"tank\"} 250000\n", text);
        Assert.Contains("zfs_pool_free_bytes{hostname=\"host-storage\",pool=\"tank\"} 750000\n", text);
        Assert.Contains("zfs_pool_capacity_ratio{hostname=\"host-storage\",pool=\"tank\"} 0.25\n", text);
        Assert.Contains("zfs_pool_fragmentation_ratio{hostname=\"host-storage\",pool=\"tank\"} 0.07\n", text);
    }

    [Fact]
    public void Datasets_carry_their_policy_or_unmanaged_and_count_every_snapshot()
    {
        var text = Exposition();
        Assert.Contains("zfs_dataset_used_bytes{hostname=\"host-storage\",pool=\"tank\",dataset=\"tank/documents\",policy=\"critical\"} 200000\n", text);
        Assert.Contains("zfs_dataset_available_bytes{hostname=\"host-storage\",pool=\"tank\",dataset=\"tank/documents\",policy=\"critical\"} 700000\n", text);
        Assert.Contains("zfs_dataset_referenced_bytes{hostname=\"host-storage\",pool=\"tank\",dataset=\"tank/documents\",policy=\"critical\"} 150000\n", text);
        Assert.Contains("zfs_dataset_snapshots{hostname=\"host-storage\",pool=\"tank\",dataset=\"tank/documents\",policy=\"critical\"} 3\n", text);
        Assert.Contains("zfs_dataset_used_bytes{hostname=\"host-storage\",pool=\"tank\",dataset=\"tank/scratch\",policy=\"unmanaged\"} 100\n", text);
        Assert.Contains("zfs_dataset_snapshots{hostname=\"host-storage\",pool=\"slowpool\",dataset=\"slowpool/raw/src/tank/documents\",policy=\"critical\"} 1\n", text);
    }

    [Fact]
    public void Compliance_is_per_dataset_policy_and_interval()
    {
        var text = Exposition();
        const string hourly = "{hostname=\"host-storage\",pool=\"tank\",dataset=\"tank/documents\",policy=\"critical\",interval=\"hourly\"}";
        const string daily = "{hostname=\"host-storage\",pool=\"tank\",dataset=\"tank/documents\",policy=\"critical\",interval=\"daily\"}";
        Assert.Contains($"zfs_snapshot_retention_target{hourly} 3\n", text);
        Assert.Contains($"zfs_snapshot_retained{hourly} 2\n", text);
        Assert.Contains($"zfs_snapshot_compliance_ratio{hourly} 0.6666666666666666\n", text);
        Assert.Contains($"zfs_snapshot_newest_age_seconds{hourly} 3600\n", text);
        Assert.Contains($"zfs_snapshot_compliance_ratio{daily} 0\n", text);
        Assert.DoesNotContain($"zfs_snapshot_newest_age_seconds{daily}", text);
        Assert.Contains($"zfs_snapshot_newest_age_seconds{hourly} 4200\n", Exposition(later: TimeSpan.FromMinutes(10)));
        Assert.Contains("zfs_snapshot_compliance_ratio{hostname=\"host-storage\",pool=\"slowpool\",dataset=\"slowpool/raw/src/tank/documents\",policy=\"critical\",interval=\"hourly\"} 0.3333333333333333\n", text);
    }

    [Fact]
    public void Replication_is_read_from_what_the_pull_recorded_on_the_replica()
    {
        var text = Exposition();
        const string replica = "{hostname=\"host-storage\",pool=\"slowpool\",dataset=\"slowpool/raw/src/tank/documents\",policy=\"critical\"}";
        Assert.Contains($"zfs_replication_last_success_timestamp_seconds{replica} {ScriptedHost.Now.AddHours(-3).ToUnixTimeSeconds()}\n", text);
        Assert.Contains($"zfs_replication_last_duration_seconds{replica} 1.5\n", text);
        Assert.Contains($"zfs_replication_last_bytes{replica} 123456\n", text);
        // tank/scratch carries a last_success no pull could have written (year 5138): it reads as no replication.
        Assert.DoesNotContain("zfs_replication_last_bytes{hostname=\"host-storage\",pool=\"tank\"", text);
    }

    [Fact]
    public void Every_family_has_help_and_type_and_the_collection_reports_itself()
    {
        var text = Exposition();
        var families = HostMetrics.Of(ScriptedHost.State(), Good, "host-storage", ScriptedHost.Now);
        Assert.All(families, f => Assert.Contains($"# HELP {f.Name} ", text));
        Assert.All(families, f => Assert.Contains($"# TYPE {f.Name} ", text));
        Assert.All(families.Where(f => f.Type == MetricType.Counter), f => Assert.EndsWith("_total", f.Name));
        Assert.Contains("zfs_api_collection_errors_total{hostname=\"host-storage\"} 1\n", text);
        Assert.Contains("zfs_api_collection_success{hostname=\"host-storage\"} 1\n", text);
        Assert.Contains("zfs_api_collection_duration_seconds{hostname=\"host-storage\"} 0.25\n", text);
    }

    [Fact]
    public void A_dataset_whose_policy_cannot_be_read_is_unmanaged_counted_and_hides_nothing_else()
    {
        var text = Exposition();
        Assert.Contains("zfs_dataset_used_bytes{hostname=\"host-storage\",pool=\"tank\",dataset=\"tank/broken\",policy=\"unmanaged\"} 10\n", text);
        Assert.Contains("zfs_api_policy_problems{hostname=\"host-storage\"} 1\n", text);
        Assert.Contains("dataset=\"tank/documents\",policy=\"critical\"", text);
    }

    [Fact]
    public void Without_data_only_the_collection_metrics_remain_and_say_it_failed()
    {
        var families = HostMetrics.Of(null, new CollectionStats(1, 1, TimeSpan.Zero, null, "zpool: no answer"), "h", ScriptedHost.Now);
        Assert.All(families, f => Assert.StartsWith("zfs_api_", f.Name));
        Assert.Contains("zfs_api_collection_success{hostname=\"h\"} 0\n", PrometheusText.Write(families));
    }

    [Theory]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("tank/Docker volume ü", "tank/Docker volume ü")]
    public void Label_values_are_escaped(string value, string written) =>
        Assert.Equal(written, PrometheusText.EscapeLabel(value));

    [Fact]
    public void Numbers_are_invariant_and_special_values_are_spelled()
    {
        Assert.Equal("0.5", PrometheusText.Number(0.5));
        Assert.Equal("NaN", PrometheusText.Number(double.NaN));
        Assert.Equal("+Inf", PrometheusText.Number(double.PositiveInfinity));
        Assert.Equal("1E+20", PrometheusText.Number(1e20));
    }
}
