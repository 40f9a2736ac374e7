using System.Text.Json.Nodes;
using ZfsAnsible.Api.Collection;
using ZfsAnsible.Api.Http;
using ZfsAnsible.Api.Metrics;

namespace ZfsAnsible.Api.Tests;

public sealed class ApiRouterTests
{
    private static readonly CollectionView Fresh = new(ScriptedHost.State(), new CollectionStats(1, 0, TimeSpan.FromSeconds(1), ScriptedHost.Now, null));

    private static ApiAnswer Get(string path, params (string Key, string Value)[] query) =>
        ApiRouter.Answer(path, query.ToDictionary(q => q.Key, q => q.Value), Fresh, "host-storage", ScriptedHost.Now.AddSeconds(30));

    private static JsonNode Json(ApiAnswer answer) => JsonNode.Parse(answer.Body)!;

    [Fact]
    public void Pools_list_and_one_pool()
    {
        var pools = Json(Get("pools")).AsArray();
        Assert.Equal(["tank", "slowpool"], pools.Select(p => p!["name"]!.GetValue<string>()));
        var tank = Get("pools/tank");
        Assert.Equal(200, tank.Status);
        Assert.Equal("DEGRADED", Json(tank)["health"]!.GetValue<string>());
        Assert.Equal(0.25, Json(tank)["capacity_ratio"]!.GetValue<double>());
        Assert.Equal(404, Get("pools/nopool").Status);
    }

    [Fact]
    public void Datasets_filter_by_pool_and_policy()
    {
        Assert.Equal(6, Json(Get("datasets")).AsArray().Count);
        Assert.Equal(["tank", "tank/broken", "tank/documents", "tank/scratch"], Json(Get("datasets", ("pool", "tank"))).AsArray().Select(d => d!["name"]!.GetValue<string>()));
        Assert.Equal(["tank/documents", "slowpool/raw/src/tank/documents"], Json(Get("datasets", ("policy", "critical"))).AsArray().Select(d => d!["name"]!.GetValue<string>()).OrderDescending());
        var replica = Json(Get("datasets/slowpool/raw/src/tank/documents"));
        Assert.True(replica["replica"]!.GetValue<bool>());
        Assert.Equal(123456, replica["replication"]!["last_bytes"]!.GetValue<long>());
        Assert.Equal(3 * 3600 + 30, replica["replication"]!["age_seconds"]!.GetValue<double>());
    }

    [Fact]
    public void Snapshots_of_a_dataset_oldest_first_with_holds_and_interval()
    {
        var snapshots = Json(Get("datasets/tank/documents/snapshots")).AsArray();
        Assert.Equal(["tank/documents@manual", "tank/documents@zfsansible_2026-12-01T10:00:00Z_hourly", "tank/documents@zfsansible_2026-12-01T11:00:00Z_hourly"],
            snapshots.Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal(1, snapshots[1]!["holds"]!.GetValue<int>());
        Assert.False(snapshots[0]!["own_name"]!.GetValue<bool>());
        Assert.Equal("hourly", snapshots[2]!["interval"]!.GetValue<string>());
        Assert.Equal(404, Get("datasets/tank/nothing/snapshots").Status);
    }

    [Fact]
    public void Compliance_replication_and_health()
    {
        var compliance = Json(Get("compliance", ("pool", "tank"))).AsArray();
        // Ages as of the answer (30 s after the collection): they keep growing while collections fail.
        Assert.Equal(3630, compliance.Single(c => c!["interval"]!.GetValue<string>() == "hourly")!["newest_age_seconds"]!.GetValue<double>());
        Assert.Equal(["hourly", "daily"], compliance.Select(c => c!["interval"]!.GetValue<string>()).OrderDescending());
        Assert.Single(Json(Get("replication")).AsArray());
        var health = Json(Get("health"));
        Assert.Equal("ok", health["status"]!.GetValue<string>());
        Assert.Equal(1, health["pools_not_online"]!.GetValue<int>());
        Assert.Equal(30, health["age_seconds"]!.GetValue<double>());
        Assert.StartsWith("tank/broken: cannot read zfsansible:retention 'hourly=lots'", health["policy_problems"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("pools/-o", 400)]
    [InlineData("pools/tank;id", 400)]
    [InlineData("pools/tank/extra", 400)]
    [InlineData("datasets/tank/$(reboot)", 400)]
    [InlineData("datasets/tank/../../etc/passwd", 400)]
    [InlineData("datasets/tank/a b/snapshots", 400)]
    [InlineData("datasets/tank%2Fdocuments", 400)]
    [InlineData("datasets/", 400)]
    [InlineData("nothing", 404)]
    [InlineData("", 404)]
    [InlineData("pools/tank\n", 400)]
    public void Hostile_or_malformed_paths_get_a_4xx_with_one_line(string path, int status)
    {
        var answer = Get(path);
        Assert.Equal(status, answer.Status);
        Assert.DoesNotContain('\n', Json(answer)["error"]!.GetValue<string>());
    }

    [Fact]
    public void Bad_queries_and_huge_paths_are_refused()
    {
        Assert.Equal(400, Get("datasets", ("pool", "x;rm")).Status);
        Assert.Equal(400, Get("datasets", ("policy", "-x")).Status);
        Assert.Equal(400, Get("datasets", ("sort", "name")).Status);
        Assert.Equal(400, Get("pools", ("pool", "tank")).Status);
        Assert.Equal(400, Get("health", ("verbose", "1")).Status);
        Assert.Equal(400, Get("datasets/tank/documents", ("policy", "critical")).Status);
        Assert.Equal(400, Get("compliance", ("pool", new string('a', 300))).Status);
        Assert.Equal(400, Get("datasets/" + new string('a', 5000)).Status);
    }

    [Fact]
    public void Before_the_first_collection_the_api_is_unavailable_and_health_says_why()
    {
        var empty = new CollectionView(null, new CollectionStats(1, 1, TimeSpan.Zero, null, "zpool list failed: exit 1"));
        var pools = ApiRouter.Answer("pools", new Dictionary<string, string>(), empty, "host-storage", ScriptedHost.Now);
        Assert.Equal(503, pools.Status);
        Assert.Contains("zpool list failed", pools.Body);
        var health = ApiRouter.Answer("health", new Dictionary<string, string>(), empty, "host-storage", ScriptedHost.Now);
        Assert.Equal(503, health.Status);
        Assert.Equal("unavailable", Json(health)["status"]!.GetValue<string>());
        Assert.Equal("host-storage", Json(health)["hostname"]!.GetValue<string>());
    }
}
