using System.Text.Json.Nodes;
using ZfsAnsible.ModuleProtocol.Arguments;
using ZfsAnsible.ModuleProtocol.Hosting;

namespace ZfsAnsible.ModuleProtocol.Tests;

public class ModuleRunnerTests
{
    private static readonly ArgumentSpec Spec = ArgumentSpec.Of(("name", Option.Str(required: true)), ("token", Option.Secret()));

    private static ModuleDefinition Module(Func<ModuleContext, ModuleResult> execute) => new("demo", Spec, execute);

    private static JsonObject Respond(string args, Func<ModuleContext, ModuleResult>? execute = null) =>
        ModuleRunner.Respond(Module(execute ?? (_ => ModuleResult.Ok("fine"))), () => args);

    [Fact]
    public void Switches_reach_the_module_and_the_answer_has_the_protocol_fields()
    {
        ModuleContext? seen = null;
        var answer = Respond(
            """{"name": "x", "_ansible_check_mode": true, "_ansible_diff": "yes", "_ansible_verbosity": 3, "_ansible_module_name": "demo"}""",
            context =>
            {
                seen = context;
                return new ModuleResult { Changed = true, Msg = "did", Diff = new ModuleDiff(JsonValue.Create("a"), JsonValue.Create("b")), Warnings = ["careful"] }.With("facts", new JsonObject { ["k"] = 1 });
            });
        Assert.True(seen!.CheckMode);
        Assert.True(seen.DiffMode);
        Assert.Equal(3, seen.Verbosity);
        Assert.True(answer["changed"]!.GetValue<bool>());
        Assert.False(answer["failed"]!.GetValue<bool>());
        Assert.Equal("b", answer["diff"]!["after"]!.GetValue<string>());
        Assert.Equal("careful", answer["warnings"]![0]!.GetValue<string>());
        Assert.Equal(1, answer["facts"]!["k"]!.GetValue<int>());
        Assert.Equal("x", answer["invocation"]!["module_args"]!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"name": "a", "_ansible_module_name": "ns.coll.timer"}""", "timer a")]
    [InlineData("""{"name": "b", "_ansible_module_name": "timer"}""", "timer b")]
    [InlineData("""{"name": "c", "_ansible_module_name": "demo"}""", "demo")]
    [InlineData("""{"name": "z", "_ansible_module_name": "timer"}""", "timer a")]
    [InlineData("""{"name": "a"}""", "demo")]
    public void The_task_module_name_and_what_a_definition_serves_pick_the_definition(string args, string answeredBy)
    {
        // One executable, several definitions of one module name (zfs_timer per program): the first that serves the task.
        ModuleDefinition Timer(string name) => new("timer", Spec, _ => ModuleResult.Ok($"timer {name}"))
        {
            Serves = input => input["name"]?.GetValue<string>() == name,
        };
        var answer = ModuleRunner.Respond([Module(_ => ModuleResult.Ok("demo")), Timer("a"), Timer("b")], () => args);
        Assert.Equal(answeredBy, answer["msg"]!.GetValue<string>());
    }

    [Fact]
    public void Diff_is_only_returned_when_asked_for()
    {
        var answer = Respond("""{"name": "x"}""", _ => new ModuleResult { Diff = new ModuleDiff(null, null) });
        Assert.Null(answer["diff"]);
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"name\": ", "not valid JSON")]
    [InlineData("[1, 2]", "must hold a JSON object")]
    [InlineData("\"just a string\"", "must hold a JSON object")]
    [InlineData("{\"name\": \"a\", \"name\": \"b\"}", "a key appears twice")]
    public void Malformed_args_end_as_one_failed_object(string args, string reason)
    {
        var answer = Respond(args);
        Assert.True(answer["failed"]!.GetValue<bool>());
        Assert.Contains(reason, answer["msg"]!.GetValue<string>());
    }

    [Fact]
    public void Deeply_nested_json_is_refused_cleanly()
    {
        var deep = "{\"name\": " + new string('[', 200) + new string(']', 200) + "}";
        Assert.Contains("not valid JSON", Respond(deep)["msg"]!.GetValue<string>());
    }

    [Fact]
    public void An_exception_becomes_a_failed_answer_without_a_stack_trace()
    {
        var answer = Respond("""{"name": "x"}""", _ => throw new InvalidOperationException("boom\n   at Somewhere.Method()"));
        Assert.True(answer["failed"]!.GetValue<bool>());
        var msg = answer["msg"]!.GetValue<string>();
        Assert.Equal("internal error in demo: InvalidOperationException: boom at Somewhere.Method()", msg);
    }

    [Fact]
    public void Secrets_never_appear_in_the_answer()
    {
        var answer = Respond(
            """{"name": "x", "token": "hunter22"}""",
            _ => ModuleResult.Fail("auth with hunter22 failed").With("echo", new JsonArray("prefix-hunter22")));
        var text = answer.ToJsonString();
        Assert.DoesNotContain("hunter22", text);
        Assert.Contains("auth with ******** failed", text);
    }

    [Fact]
    public void Secrets_are_scrubbed_from_exceptions_too()
    {
        var answer = Respond("""{"name": "x", "token": "hunter22"}""", _ => throw new InvalidOperationException("leaked hunter22"));
        Assert.DoesNotContain("hunter22", answer.ToJsonString());
    }

    [Fact]
    public void Run_writes_exactly_one_json_object_and_sets_the_exit_code()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{"name": "x"}""");
            using var output = new StringWriter();
            Assert.Equal(0, ModuleRunner.Run(Module(_ => ModuleResult.Ok("fine")), path, output));
            Assert.IsType<JsonObject>(JsonNode.Parse(output.ToString()));

            using var failed = new StringWriter();
            Assert.Equal(1, ModuleRunner.Run(Module(_ => ModuleResult.Fail("no")), path, failed));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void One_argument_with_a_slash_is_always_the_module_face_and_never_a_command()
    {
        Assert.True(ModuleEntryPoint.IsModuleInvocation(["/tmp/ansible-tmp-1/args"]));
        Assert.True(ModuleEntryPoint.IsModuleInvocation(["/path/that/does/not/exist"]));
        Assert.False(ModuleEntryPoint.IsModuleInvocation(["facts", "--name", "tank"]));
        Assert.False(ModuleEntryPoint.IsModuleInvocation(["--help"]));
        Assert.False(ModuleEntryPoint.IsModuleInvocation(["--dataset=a/b"]));
        Assert.False(ModuleEntryPoint.IsModuleInvocation([]));
        Assert.False(ModuleEntryPoint.IsModuleInvocation(["args"]));
    }

    [Fact]
    public void A_missing_args_file_is_a_failed_answer_in_words()
    {
        using var output = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), "zfsansible-no-such-dir", "args");
        Assert.Equal(1, ModuleRunner.Run(Module(_ => ModuleResult.Ok("ran")), missing, output));
        var answer = JsonNode.Parse(output.ToString())!.AsObject();
        Assert.True(answer["failed"]!.GetValue<bool>());
        Assert.Equal($"cannot read the args file {missing}: no such file", answer["msg"]!.GetValue<string>());

        using var directory = new StringWriter();
        Assert.Equal(1, ModuleRunner.Run(Module(_ => ModuleResult.Ok("ran")), Path.GetTempPath(), directory));
        Assert.Contains("it is a directory", directory.ToString(), StringComparison.Ordinal);
    }
}
