using System.Text;
using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>The built zfs-policy command, both architectures: the resolution as JSON, bad inventories as one line and exit 2.</summary>
public class ZfsPolicyContractTests
{
    private const string Inventory = DesignInventory.Yaml;

    public static TheoryData<string> Architectures => BothArchitectures.Each;

    private static ProcessOutcome Run(string rid, string stdin, params string[] arguments)
    {
        var input = Path.Combine(Path.GetTempPath(), $"zfsansible-policy-{Guid.NewGuid():N}");
        File.WriteAllText(input, stdin);
        try
        {
            var binary = Repository.Executable("zfs-policy", rid);
            var command = string.Join(' ', new[] { binary }.Concat(arguments).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
            var qemu = rid == "linux-arm64" ? "qemu-aarch64-static " : string.Empty;
            return Processes.Run("sh", ["-c", $"{qemu}{command} < '{input}'"]);
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Resolve_prints_every_dataset_with_its_provenance(string rid)
    {
        var outcome = Run(rid, Inventory, "resolve");
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var datasets = JsonNode.Parse(outcome.StandardOutput)!["datasets"]!.AsArray();
        var registry = datasets.Single(d => d!["name"]!.GetValue<string>() == "tank/docker/registry")!;
        Assert.Equal("standard", registry["policy"]!.GetValue<string>());
        Assert.Equal("inherited", registry["source"]!.GetValue<string>());
        Assert.Equal("tank/docker", registry["inherited_from"]!.GetValue<string>());
        Assert.Equal(24, registry["retention"]!["hourly"]!.GetValue<int>());
        var cache = datasets.Single(d => d!["name"]!.GetValue<string>() == "tank/docker/cache")!;
        Assert.Equal("explicit", cache["source"]!.GetValue<string>());
        Assert.Equal("none", cache["policy"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void With_policy_lists_the_datasets_by_effective_policy(string rid)
    {
        var outcome = Run(rid, Inventory, "with-policy", "standard");
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Equal(["tank/docker", "tank/docker/registry"], JsonNode.Parse(outcome.StandardOutput)!.AsArray().Select(n => n!.GetValue<string>()));

        var json = Run(rid, "{\"zfs_policies\": {\"p\": {\"snapshots\": {\"daily\": 7}}}, \"zfs_datasets\": [{\"name\": \"a/b\", \"policy\": \"p\"}]}", "with-policy", "p");
        Assert.Equal("[\"a/b\"]", json.StandardOutput.Trim());
    }

    public static TheoryData<string, string> BadInputs() => BothArchitectures.Times(Corpus().Select(c => c.Case));

    private static IEnumerable<(string Case, string Stdin, string Reason)> Corpus()
    {
        yield return ("empty input", string.Empty, "zfs_policies");
        yield return ("malformed yaml", "zfs_datasets:\n  - name: [unclosed\n", "not valid YAML");
        yield return ("malformed json", "{\"zfs_datasets\": [", "not valid JSON");
        yield return ("unknown policy", "zfs_policies: {a: {snapshots: {}}}\nzfs_datasets: [{name: tank/x, policy: gold}]", "tank/x");
        yield return ("duplicate dataset", "zfs_policies: {a: {snapshots: {}}}\nzfs_datasets: [{name: tank/x, policy: a}, {name: tank/x, policy: a}]", "duplicate");
        yield return ("dataset beginning with -", "zfs_policies: {a: {snapshots: {}}}\nzfs_datasets: [{name: '-rf', policy: a}]", "-rf");
        yield return ("dataset with shell", "zfs_policies: {a: {snapshots: {}}}\nzfs_datasets: [{name: 'tank/$(reboot)', policy: a}]", "not allowed");
        yield return ("overlong dataset", "zfs_policies: {a: {snapshots: {}}}\nzfs_datasets: [{name: 'tank/" + new string('x', 300) + "', policy: a}]", "maximum is 255");
        yield return ("negative retention", "zfs_policies: {a: {snapshots: {daily: -3}}}\nzfs_datasets: []", "daily");
        yield return ("retention not a number", "zfs_policies: {a: {snapshots: {daily: lots}}}\nzfs_datasets: []", "daily");
        yield return ("unknown interval", "zfs_policies: {a: {snapshots: {fortnightly: 2}}}\nzfs_datasets: []", "fortnightly");
        yield return ("wrong type", "zfs_policies: {a: {snapshots: {}}}\nzfs_datasets: {name: tank/x}", "zfs_datasets");
        yield return ("huge input", "zfs_datasets: []\n#" + new string('x', 17 * 1024 * 1024), "larger than");
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void A_bad_inventory_is_one_line_on_stderr_and_exit_2(string rid, string caseName)
    {
        var (_, stdin, reason) = Corpus().Single(c => c.Case == caseName);
        var outcome = Run(rid, stdin, "resolve");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Empty(outcome.StandardOutput);
        var line = outcome.StandardError.TrimEnd('\n');
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("zfs-policy: ", line, StringComparison.Ordinal);
        Assert.Contains(reason, line);
        Assert.DoesNotContain("   at ", line);
    }

    [Fact]
    public void Files_and_unknown_policy_names_are_refused_clearly()
    {
        Assert.Contains("cannot read '/nonexistent/policies.yml'", Run("linux-x64", string.Empty, "resolve", "--input", "/nonexistent/policies.yml").StandardError);
        var unknown = Run("linux-x64", Inventory, "with-policy", "gold");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown policy 'gold' (known: critical, none, scratch, standard)", unknown.StandardError);
        var invalidUtf8 = Path.Combine(Path.GetTempPath(), $"zfsansible-policy-bad-{Guid.NewGuid():N}");
        File.WriteAllBytes(invalidUtf8, Encoding.Latin1.GetBytes("zfs_datasets: [{name: t\u00e9st}]"));
        try
        {
            Assert.Contains("is not UTF-8 text", Run("linux-x64", string.Empty, "resolve", "--input", invalidUtf8).StandardError);
        }
        finally
        {
            File.Delete(invalidUtf8);
        }
    }
}
