using System.Text;
using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>
/// The built zfs_facts, both architectures: the facts of a real zfs-fuse pool, the same in check mode and as
/// ansible_facts, and hostile or broken input answered with one clean failure that runs nothing.
/// </summary>
public sealed class ZfsFactsContractTests : IDisposable
{
    private readonly ZfsSandbox _sandbox = new();
    private readonly string _pool;

    public ZfsFactsContractTests()
    {
        _pool = _sandbox.Pool();
        Processes.Check("zpool", "create", "-m", $"{_sandbox.Directory}/mnt", _pool, _sandbox.Vdevs(1)[0]);
        Processes.Check("zfs", "create", "-o", "zfsansible:policy=standard", "-o", "zfsansible:retention=hourly=2", "-o", "zfsansible:discover_children=off", $"{_pool}/docs");
        Processes.Check("zfs", "snapshot", $"{_pool}/docs@zfsansible_2026-01-01T00:00:00Z_hourly");
    }

    public void Dispose() => _sandbox.Dispose();

    /// <summary>Every dataset and snapshot with its local properties: what a change would show.</summary>
    private string State() => Processes.Check("zfs", "list", "-H", "-t", "all", "-o", "name", "-r", _pool) + Processes.Check("zfs", "get", "-H", "-r", "-s", "local", "-o", "name,property,value", "all", _pool);

    private static IEnumerable<(string Case, string Args, string Reason)> Corpus()
    {
        yield return ("not json", "pools=tank", "not valid JSON");
        yield return ("unknown key", "{\"datasets\": []}", "Unsupported parameters for (zfsansible.zfs.zfs_facts) module: datasets");
        yield return ("pools as a dict", "{\"pools\": {\"a\": 1}}", "pools");
        yield return ("pool not imported", "{\"pools\": [\"nopool\"]}", "pools: 'nopool' not imported on this host (imported: ");
        yield return ("pool beginning with -", "{\"pools\": [\"-rf\"]}", "pools: '-rf' not imported");
        yield return ("pool with shell", "{\"pools\": [\"{pool};touch /tmp/zfsansible-pwned\"]}", "not imported");
        yield return ("pool with substitution", "{\"pools\": [\"$(touch /tmp/zfsansible-pwned)\"]}", "not imported");
        yield return ("pool with a newline", "{\"pools\": [\"a\\nb\"]}", "pools: 'a\\x0ab' not imported");
        yield return ("huge pool name", "{\"pools\": [\"" + new string('p', 100_000) + "\"]}", "not imported");
    }

    public static TheoryData<string, string> BadInputs() => BothArchitectures.Times(Corpus().Select(c => c.Case));

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gets_one_clean_failure_and_runs_nothing(string rid, string caseName)
    {
        var (_, template, reason) = Corpus().Single(c => c.Case == caseName);
        File.Delete("/tmp/zfsansible-pwned");
        // The zfs_pool program answers zfs_facts when the args name it, as the action plugin's args do.
        var args = template.Replace("{pool}", _pool, StringComparison.Ordinal);
        args = args.StartsWith('{') ? "{\"_ansible_module_name\": \"zfsansible.zfs.zfs_facts\", " + args[1..] : args;
        var outcome = new NativeModule("zfs_pool", rid).RunRaw(Encoding.UTF8.GetBytes(args));

        CleanFailure.Assert(outcome, reason);
        Assert.False(File.Exists("/tmp/zfsansible-pwned"), "a shell ran part of the input");
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void The_facts_of_a_pool_are_returned_and_set_the_same_in_check_mode(string rid)
    {
        var module = new NativeModule("zfs_pool", rid);
        JsonObject Call(bool check) => module.Call(new JsonObject
        {
            ["_ansible_module_name"] = "zfsansible.zfs.zfs_facts",
            ["pools"] = new JsonArray(_pool),
            ["_ansible_check_mode"] = check,
        });

        var before = State();
        foreach (var answer in new[] { Call(check: true), Call(check: false) })
        {
            Assert.False(answer["failed"]?.GetValue<bool>() ?? false, answer.ToJsonString());
            Assert.False(answer["changed"]!.GetValue<bool>());
            var zfs = answer["zfs"]!;
            Assert.True(JsonNode.DeepEquals(zfs, answer["ansible_facts"]!["zfs"]), answer.ToJsonString());
            Assert.Equal("ONLINE", zfs["pools"]![_pool]!["health"]!.GetValue<string>());
            Assert.Equal("stripe", zfs["pools"]![_pool]!["vdevs"]![0]!["type"]!.GetValue<string>());
            var docs = zfs["datasets"]![$"{_pool}/docs"]!;
            Assert.Equal("standard", docs["policy"]!.GetValue<string>());
            Assert.Equal(1, docs["snapshots"]!.GetValue<int>());
            Assert.Equal("hourly", docs["compliance"]![0]!["interval"]!.GetValue<string>());
            Assert.Equal(0.5, docs["compliance"]![0]!["ratio"]!.GetValue<double>());
            Assert.Null(zfs["datasets"]![_pool]!["policy"]);
        }

        Assert.Equal(before, State());
    }
}
