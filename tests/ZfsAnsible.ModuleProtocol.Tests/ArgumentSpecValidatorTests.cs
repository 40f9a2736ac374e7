using System.Text.Json.Nodes;
using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.ModuleProtocol.Tests;

public class ArgumentSpecValidatorTests
{
    private static readonly ArgumentSpec Spec = ArgumentSpec.Of(
            ("name", Option.Str(required: true)),
            ("state", Option.Str(@default: "present", choices: ["present", "absent"])),
            ("count", Option.Int(@default: 1)),
            ("force", Option.Bool()),
            ("devices", Option.List()),
            ("token", Option.Secret()),
            ("vdevs", Option.ListOf(ArgumentSpec.Of(("type", Option.Str(@default: "stripe", choices: ["stripe", "mirror"])), ("devices", Option.List(required: true))))),
            ("src", Option.Str()),
            ("content", Option.Str()))
        .WithMutuallyExclusive("src", "content");

    private static ValidationResult Validate(string json) => ArgumentSpecValidator.Validate(JsonNode.Parse(json)!.AsObject(), Spec, "zfs_pool");

    [Fact]
    public void Defaults_are_applied_and_types_coerced()
    {
        var result = Validate("""{"name": "tank", "count": "3", "force": "yes", "devices": "a,b", "_ansible_check_mode": true}""");
        Assert.True(result.IsValid, result.Message);
        var p = result.Parameters!.ToInvocation();
        Assert.Equal("present", (string?)p["state"]);
        Assert.Equal(3, (long?)p["count"]);
        Assert.True((bool?)p["force"]);
        Assert.Equal(["a", "b"], p["devices"]!.AsArray().Select(d => (string?)d));
    }

    [Fact]
    public void Unknown_keys_are_refused_in_ansibles_words()
    {
        var result = Validate("""{"name": "tank", "bogus": 1, "zzz": 2}""");
        Assert.Equal(
            "Unsupported parameters for (zfs_pool) module: bogus, zzz. Supported parameters include: content, count, devices, force, name, src, state, token, vdevs.",
            result.Message);
    }

    [Fact]
    public void Missing_required_wrong_choice_and_wrong_type_are_all_reported_on_one_line()
    {
        var result = Validate("""{"state": "gone", "count": "many"}""");
        Assert.Contains("missing required arguments: name", result.Errors);
        Assert.Contains("value of state must be one of: present, absent, got: gone", result.Errors);
        Assert.Contains(result.Errors, e => e.StartsWith("argument 'count' is of type str and we were unable to convert to int", StringComparison.Ordinal));
        Assert.DoesNotContain('\n', result.Message);
    }

    [Fact]
    public void A_lists_choices_hold_for_each_element()
    {
        var spec = ArgumentSpec.Of(("require", Option.List() with { Choices = ["sata", "nvme"] }));
        var ok = ArgumentSpecValidator.Validate(JsonNode.Parse("""{"require": ["sata", "nvme"]}""")!.AsObject(), spec, "pi_pcie_info");
        Assert.True(ok.IsValid, ok.Message);
        var bad = ArgumentSpecValidator.Validate(JsonNode.Parse("""{"require": ["sata", "floppy"]}""")!.AsObject(), spec, "pi_pcie_info");
        Assert.Equal("value of require must be one or more of: sata, nvme, got: floppy", bad.Message);
    }

    [Fact]
    public void Null_counts_as_absent_for_required() =>
        Assert.Equal("missing required arguments: name", Validate("""{"name": null}""").Message);

    [Fact]
    public void Mutually_exclusive_options_are_refused() =>
        Assert.Equal("parameters are mutually exclusive: src|content", Validate("""{"name": "t", "src": "a", "content": "b"}""").Message);

    [Fact]
    public void Sub_options_are_validated_with_their_path()
    {
        var result = Validate("""{"name": "t", "vdevs": [{"type": "raid5", "devices": ["a"]}, {"extra": 1}]}""");
        Assert.Contains("value of type must be one of: stripe, mirror, got: raid5 found in vdevs[0]", result.Errors);
        Assert.Equal("Unsupported parameters for (zfs_pool) module: vdevs.extra. Supported parameters include: devices, type.", result.Errors[0]);
        Assert.Contains("missing required arguments: devices found in vdevs[1]", result.Errors);
    }

    [Fact]
    public void Sub_option_defaults_apply()
    {
        var p = Validate("""{"name": "t", "vdevs": [{"devices": "a,b"}]}""").Parameters!.ToInvocation();
        var vdev = Assert.Single(p["vdevs"]!.AsArray())!;
        Assert.Equal("stripe", (string?)vdev["type"]);
        Assert.Equal(["a", "b"], vdev["devices"]!.AsArray().Select(d => (string?)d));
    }

    [Fact]
    public void No_log_values_are_masked_in_the_invocation()
    {
        var p = Validate("""{"name": "t", "token": "s3cret"}""").Parameters!;
        Assert.Equal("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", p.ToInvocation()["token"]!.GetValue<string>());
        Assert.Equal(["s3cret"], p.SecretValues());
    }

    [Fact]
    public void Hostile_keys_are_echoed_printably()
    {
        var result = Validate("{\"name\": \"t\", \"a\\nb\": 1}");
        Assert.Contains("module: a?b.", result.Message);
    }

    private static readonly ArgumentSpec Related = ArgumentSpec.Of(
            ("state", Option.Str(@default: "present", choices: ["present", "absent"])),
            ("tree", Option.List() with { Default = null }),
            ("name", Option.Str()),
            ("host", Option.Str()),
            ("key", Option.Str()),
            ("user", Option.Str()),
            ("port", Option.Int()),
            ("mode", Option.Str()),
            ("owner", Option.Str()))
        .WithRequiredOneOf("tree", "name")
        .WithRequiredIf("state", "absent", ["name"])
        .WithRequiredIf("mode", "shared", ["owner", "user"], anyOf: true)
        .WithRequiredBy("key", "host", "user");

    private static ValidationResult Related_(string json) => ArgumentSpecValidator.Validate(JsonNode.Parse(json)!.AsObject(), Related, "m");

    [Theory]
    [InlineData("""{"state": "present"}""", "one of the following is required: tree, name")]
    [InlineData("""{"tree": [], "state": "absent"}""", "state is absent but all of the following are missing: name")]
    [InlineData("""{"name": "a", "mode": "shared"}""", "mode is shared but any of the following are missing: owner, user")]
    [InlineData("""{"name": "a", "key": "k", "user": "u"}""", "missing parameter(s) required by 'key': host")]
    public void Relations_fail_in_ansible_cores_words(string json, string message)
    {
        var result = Related_(json);
        Assert.False(result.IsValid);
        Assert.Equal(message, result.Message);
    }

    [Theory]
    [InlineData("""{"tree": []}""")] // an empty list is given: one of is met
    [InlineData("""{"name": "a", "state": "absent"}""")]
    [InlineData("""{"name": "a", "mode": "shared", "user": "u"}""")] // any one of the requirements is enough
    [InlineData("""{"name": "a", "key": "k", "host": "h", "user": "u"}""")]
    [InlineData("""{"name": "a", "host": "h"}""")] // required_by binds only when its option is set
    public void Relations_that_hold_pass(string json) => Assert.True(Related_(json).IsValid, Related_(json).Message);

    [Fact]
    public void A_required_if_sees_the_default_as_ansible_core_does()
    {
        var spec = ArgumentSpec.Of(("state", Option.Str(@default: "present")), ("vdevs", Option.Str())).WithRequiredIf("state", "present", ["vdevs"]);
        Assert.Equal("state is present but all of the following are missing: vdevs", ArgumentSpecValidator.Validate([], spec, "m").Message);
    }

    [Fact]
    public void Sub_option_relations_name_the_element()
    {
        var spec = ArgumentSpec.Of(("settings", Option.ListOf(ArgumentSpec.Of(("a", Option.Str()), ("b", Option.Str())).WithRequiredOneOf("a", "b"))));
        var result = ArgumentSpecValidator.Validate(JsonNode.Parse("""{"settings": [{"a": "x"}, {}]}""")!.AsObject(), spec, "m");
        Assert.Equal("one of the following is required: a, b found in settings[1]", result.Message);
    }

    [Fact]
    public void The_json_form_is_ansible_cores_argument_spec_with_its_relation_keywords()
    {
        var spec = ArgumentSpec.Of(
                ("name", Option.Str(required: true)),
                ("key", Option.Secret()),
                ("state", Option.Str(@default: "present", choices: ["present", "absent"])),
                ("vdevs", Option.ListOf(ArgumentSpec.Of(("a", Option.Str()), ("b", Option.Str())).WithMutuallyExclusive("a", "b"))))
            .WithRequiredIf("state", "absent", ["name"], anyOf: true)
            .WithRequiredBy("key", "name");
        var expected = JsonNode.Parse("""
            {
              "argument_spec": {
                "key": {"type": "str", "no_log": true},
                "name": {"type": "str", "required": true},
                "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
                "vdevs": {"type": "list", "default": [], "elements": "dict",
                          "options": {"a": {"type": "str"}, "b": {"type": "str"}}, "mutually_exclusive": [["a", "b"]]}
              },
              "required_if": [["state", "absent", ["name"], true]],
              "required_by": {"key": ["name"]}
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, ArgumentSpecJson.Describe(spec)), ArgumentSpecJson.Describe(spec).ToJsonString());
    }

    [Fact]
    public void Definitions_of_one_module_share_what_they_all_declare()
    {
        static ArgumentSpec Timer(string inner) => ArgumentSpec.Of(("name", Option.Str(required: true)), ("options", Option.Dict() with { Options = ArgumentSpec.Of((inner, Option.Str())) }));
        var common = ArgumentSpecJson.Common([Timer("x"), Timer("y")]);
        Assert.Equal("""{"argument_spec":{"name":{"type":"str","required":true},"options":{"type":"dict","default":{}}}}""", common.ToJsonString());
    }

    [Fact]
    public void A_value_refused_for_its_type_still_counts_as_given_for_the_relations()
    {
        // ansible-core keeps the raw value: one error about the type, none about required_one_of.
        Assert.Equal("argument 'tree' is of type dict and we were unable to convert to list", Related_("""{"tree": {"a": 1}}""").Message);
    }

    [Fact]
    public void An_option_only_some_definitions_take_is_left_out_of_their_common_form()
    {
        var common = ArgumentSpecJson.Common([ArgumentSpec.Of(("name", Option.Str()), ("extra", Option.Bool())), ArgumentSpec.Of(("name", Option.Str()))]);
        Assert.Equal("""{"argument_spec":{"name":{"type":"str"}}}""", common.ToJsonString());
    }
}
