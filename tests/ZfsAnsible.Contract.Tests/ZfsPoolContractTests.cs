using System.Text;
using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>The built zfs_pool binaries, both architectures, against real zfs-fuse pools.</summary>
public class ZfsPoolContractTests
{
    public static TheoryData<string> Architectures => BothArchitectures.Each;

    public static TheoryData<string, string> CorpusOnBothArchitectures() => BothArchitectures.Times(BadInputCorpus.ZfsPool().Select(c => c.Case));

    [Theory]
    [MemberData(nameof(CorpusOnBothArchitectures))]
    public void Bad_input_gets_one_clean_failure_and_changes_nothing(string rid, string caseName)
    {
        var (_, template, reason) = BadInputCorpus.ZfsPool().Single(c => c.Case == caseName);
        using var sandbox = new ZfsSandbox();
        var devices = sandbox.Vdevs(2);

        // An existing pool to attack, and a device that carries a ZFS label from a destroyed pool.
        var pool = sandbox.Pool("keep");
        Processes.Check("zpool", "create", pool, devices[1]);
        var labelled = sandbox.Pool("gone");
        Processes.Check("zpool", "create", labelled, devices[0]);
        sandbox.Destroy(labelled);
        var before = sandbox.StateFingerprint();
        File.Delete("/tmp/zfsansible-pwned");

        // Placeholders are filled in text form; other cases (invalid UTF-8 among them) go in byte for byte.
        var text = Encoding.UTF8.GetString(template);
        var args = text.Contains("{dir}", StringComparison.Ordinal) || text.Contains("{pool}", StringComparison.Ordinal)
            ? Encoding.UTF8.GetBytes(text.Replace("{dir}", sandbox.Directory, StringComparison.Ordinal).Replace("{pool}", pool, StringComparison.Ordinal))
            : template;
        var outcome = new NativeModule("zfs_pool", rid).RunRaw(args);

        CleanFailure.Assert(outcome, reason);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal(before, sandbox.StateFingerprint());
        Assert.False(File.Exists("/tmp/zfsansible-pwned"), "a shell ran part of the input");
    }

    [Fact]
    public void An_args_file_over_the_limit_is_refused_before_reading()
    {
        var answer = NativeModule.ParseAnswer(new NativeModule("zfs_pool", "linux-x64").RunRaw(Encoding.UTF8.GetBytes("{\"name\": \"" + new string('x', 17 * 1024 * 1024) + "\"}")));
        Assert.True(answer["failed"]!.GetValue<bool>());
        Assert.Contains("the limit is", answer["msg"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Check_mode_reports_the_creation_and_creates_nothing(string rid)
    {
        using var sandbox = new ZfsSandbox();
        var devices = sandbox.Vdevs(2);
        var pool = sandbox.Pool();
        var answer = new NativeModule("zfs_pool", rid).Call(new JsonObject
        {
            ["name"] = pool,
            ["vdevs"] = new JsonArray(new JsonObject { ["type"] = "mirror", ["devices"] = new JsonArray(devices[0], devices[1]) }),
            ["_ansible_check_mode"] = true,
            ["_ansible_diff"] = true,
        });
        Assert.True(answer["changed"]!.GetValue<bool>());
        Assert.Equal($"zpool create {pool} mirror {devices[0]} {devices[1]}", answer["commands"]![0]!.GetValue<string>());
        Assert.Equal("absent", answer["diff"]!["before"]!["state"]!.GetValue<string>());
        Assert.Equal(rid, answer["module_build"]!.GetValue<string>());
        Assert.False(sandbox.PoolExists(pool));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Create_then_converge_reports_facts_and_no_change(string rid)
    {
        using var sandbox = new ZfsSandbox();
        var devices = sandbox.Vdevs(3);
        var pool = sandbox.Pool();
        var module = new NativeModule("zfs_pool", rid);
        JsonObject Args() => new()
        {
            ["name"] = pool,
            ["vdevs"] = new JsonArray(new JsonObject { ["type"] = "mirror", ["devices"] = new JsonArray(devices[0], devices[1]) }),
            ["log"] = new JsonArray(new JsonObject { ["devices"] = new JsonArray(devices[2]) }),
            ["filesystem_properties"] = new JsonObject { ["compression"] = "on", ["atime"] = false },
        };

        var created = module.Call(Args());
        Assert.True(created["changed"]!.GetValue<bool>(), created.ToJsonString());
        Assert.Equal("ONLINE", created["pool"]!["health"]!.GetValue<string>());
        Assert.True(created["pool"]!["size"]!.GetValue<long>() > 100_000_000);
        Assert.Equal("off", sandbox.Zfs("get", "-H", "-o", "value", "atime", pool).StandardOutput.Trim());

        var again = module.Call(Args());
        Assert.False(again["changed"]!.GetValue<bool>(), again.ToJsonString());
        Assert.Empty(again["commands"]!.AsArray());
        var vdevs = again["pool"]!["vdevs"]!.AsArray();
        Assert.Equal(["data:mirror", "log:stripe"], vdevs.Select(v => $"{v!["class"]}:{v["type"]}"));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_cli_face_answers_help_and_facts(string rid)
    {
        using var sandbox = new ZfsSandbox();
        var pool = sandbox.Pool();
        Processes.Check("zpool", "create", pool, sandbox.Vdevs(1)[0]);
        var module = new NativeModule("zfs_pool", rid);

        var help = module.Run("--help");
        Assert.True((help.StandardOutput + help.StandardError).Contains("facts", StringComparison.Ordinal), help.ToString());
        Assert.Equal(0, help.ExitCode);

        var facts = module.Run("facts", "--name", pool);
        Assert.Equal(0, facts.ExitCode);
        Assert.Equal(pool, JsonNode.Parse(facts.StandardOutput)!["name"]!.GetValue<string>());

        var missing = module.Run("facts", "--name", sandbox.Pool("nope"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("no such pool", missing.StandardError);
        Assert.Empty(missing.StandardOutput);

        var hostile = module.Run("facts", "--name", "-rf");
        Assert.NotEqual(0, hostile.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_answer_is_pure_json_on_a_terminal(string rid)
    {
        // Ansible runs modules over "ssh -tt"; `script` gives the binary a real pseudo-terminal here.
        var args = Path.Combine(Path.GetTempPath(), $"zfsansible-tty-{Guid.NewGuid():N}");
        File.WriteAllText(args, """{"name": "ztnosuchpool", "state": "absent"}""");
        try
        {
            var binary = Repository.Executable("zfs_pool", rid);
            var command = rid == "linux-arm64" ? $"qemu-aarch64-static {binary} {args}" : $"{binary} {args}";
            var outcome = Processes.Run("script", ["-q", "-e", "-c", command, "/dev/null"], new Dictionary<string, string> { ["TERM"] = "xterm" });
            Assert.StartsWith("{\"changed\":false", outcome.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(args);
        }
    }
}
