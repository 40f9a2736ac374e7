using System.Text;
using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>The built zfs_dataset_policy binaries, both architectures: hostile and broken input changes nothing.</summary>
public class ZfsDatasetPolicyContractTests
{
    private const string Policies = "\"policies\": {\"standard\": {\"snapshots\": {\"daily\": 7}}}";

    private static IEnumerable<(string Case, string Args, string Reason)> Corpus()
    {
        yield return ("not json", "datasets=tank", "not valid JSON");
        yield return ("unknown key", "{\"datasets\": [], \"colour\": 1}", "Unsupported parameters for (zfs_dataset_policy) module: colour");
        yield return ("unknown dataset key", "{\"datasets\": [{\"name\": \"{pool}/a\", \"quota\": 1}]}", "datasets.quota");
        yield return ("datasets as a number", "{\"datasets\": 5}", "Elements value for option 'datasets'");
        yield return ("name and datasets", "{\"name\": \"{pool}/a\", \"datasets\": [{\"name\": \"{pool}/b\"}]}", "mutually exclusive: datasets|name");
        yield return ("neither name nor datasets", "{\"policies\": {}}", "one of the following is required: datasets, name");
        yield return ("unknown policy", "{" + Policies + ", \"datasets\": [{\"name\": \"{pool}/a\", \"policy\": \"gold\"}]}", "{pool}/a");
        yield return ("dataset with shell", "{" + Policies + ", \"datasets\": [{\"name\": \"{pool}/a;touch /tmp/zfsansible-pwned\"}]}", "not allowed");
        yield return ("dataset beginning with -", "{" + Policies + ", \"datasets\": [{\"name\": \"-{pool}\"}]}", "must begin with a letter");
        yield return ("overlong dataset", "{" + Policies + ", \"datasets\": [{\"name\": \"{pool}/" + new string('x', 300) + "\"}]}", "maximum is 255");
        yield return ("outside every pool", "{" + Policies + ", \"datasets\": [{\"name\": \"nosuchpool/a\", \"policy\": \"standard\"}]}", "nosuchpool/a");
        yield return ("duplicate dataset", "{" + Policies + ", \"datasets\": [{\"name\": \"{pool}/a\"}, {\"name\": \"{pool}/a\"}]}", "duplicate");
        yield return ("negative retention", "{\"policies\": {\"p\": {\"snapshots\": {\"daily\": -1}}}, \"datasets\": [{\"name\": \"{pool}/a\", \"policy\": \"p\"}]}", "daily");
        yield return ("hostile property name", "{" + Policies + ", \"datasets\": [{\"name\": \"{pool}/a\", \"properties\": {\"-o x\": \"1\"}}]}", "{pool}/a");
        yield return ("own namespace by hand", "{" + Policies + ", \"datasets\": [{\"name\": \"{pool}/a\", \"properties\": {\"zfsansible:policy\": \"x\"}}]}", "zfsansible:");
        yield return ("property value a list", "{" + Policies + ", \"datasets\": [{\"name\": \"{pool}/a\", \"properties\": {\"compression\": [\"on\"]}}]}", "{pool}/a");
        yield return ("absent for a tree", "{\"datasets\": [{\"name\": \"{pool}/keep\"}], \"state\": \"absent\"}", "state is absent but all of the following are missing: name");
        yield return ("absent without allow_destroy", "{\"name\": \"{pool}/keep\", \"state\": \"absent\"}", "allow_destroy: true");
    }

    public static TheoryData<string, string> BadInputs() => BothArchitectures.Times(Corpus().Select(c => c.Case));

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gets_one_clean_failure_and_changes_nothing(string rid, string caseName)
    {
        var (_, template, reason) = Corpus().Single(c => c.Case == caseName);
        using var sandbox = new ZfsSandbox();
        var pool = sandbox.Pool();
        Processes.Check("zpool", "create", "-m", $"{sandbox.Directory}/mnt", pool, sandbox.Vdevs(1)[0]);
        Processes.Check("zfs", "create", $"{pool}/keep");
        string Fingerprint() => Processes.Check("zfs", "get", "-H", "-r", "-o", "name,property,value", "compression,zfsansible:policy", pool);
        var before = Fingerprint();
        File.Delete("/tmp/zfsansible-pwned");

        var outcome = new NativeModule("zfs_dataset_policy", rid).RunRaw(Encoding.UTF8.GetBytes(template.Replace("{pool}", pool, StringComparison.Ordinal)));

        CleanFailure.Assert(outcome, reason.Replace("{pool}", pool, StringComparison.Ordinal));
        Assert.Equal(before, Fingerprint());
        Assert.False(File.Exists("/tmp/zfsansible-pwned"), "a shell ran part of the input");
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void Check_mode_plans_the_tree_and_creates_nothing(string rid)
    {
        using var sandbox = new ZfsSandbox();
        var pool = sandbox.Pool();
        Processes.Check("zpool", "create", "-m", $"{sandbox.Directory}/mnt", pool, sandbox.Vdevs(1)[0]);
        var answer = new NativeModule("zfs_dataset_policy", rid).Call(new JsonObject
        {
            ["policies"] = new JsonObject { ["standard"] = new JsonObject { ["snapshots"] = new JsonObject { ["daily"] = 7 } } },
            ["datasets"] = new JsonArray(new JsonObject { ["name"] = $"{pool}/a", ["policy"] = "standard", ["children_inherit_policy"] = "yes" }, new JsonObject { ["name"] = $"{pool}/a/b" }),
            ["_ansible_check_mode"] = true,
        });
        Assert.True(answer["changed"]!.GetValue<bool>(), answer.ToJsonString());
        Assert.Equal($"inherited:{pool}/a", answer["datasets"]![$"{pool}/a/b"]!["source"]!.GetValue<string>());
        Assert.Equal(rid, answer["module_build"]!.GetValue<string>());
        Assert.Equal(pool, Processes.Check("zfs", "list", "-H", "-o", "name", "-r", pool).Trim());
    }
}
