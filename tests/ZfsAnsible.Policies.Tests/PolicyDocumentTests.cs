using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Policies.Tests;

/// <summary>Reading the inventory schema from YAML and JSON: one mapping, one wording, one line per error.</summary>
public class PolicyDocumentTests
{
    private const string DesignExample = DesignInventory.Yaml;

    private const string DesignExampleJson = """
        {
          "zfs_policies": {
            "critical": { "snapshots": { "frequently": 4, "hourly": 48, "daily": 30, "weekly": 8, "monthly": 12 }, "replicate": true },
            "standard": { "snapshots": { "hourly": 24, "daily": 14, "weekly": 4 }, "replicate": true },
            "scratch": { "snapshots": { "hourly": 6 }, "replicate": false },
            "none": { "snapshots": {}, "replicate": false }
          },
          "zfs_datasets": [
            { "name": "tank/documents", "policy": "critical", "properties": { "compression": "zstd", "recordsize": "1M" } },
            { "name": "tank/docker", "policy": "standard", "children_inherit_policy": true, "snapshots_discover_children": true },
            { "name": "tank/docker/cache", "policy": "none" },
            { "name": "tank/docker/registry" }
          ]
        }
        """;

    private const string Policies = """
        zfs_policies:
          standard: { snapshots: { hourly: 24 }, replicate: true }
        """;

    private static PolicyTree Resolve(string text)
    {
        var result = PolicyDocument.ParseAndResolve(text);
        Assert.True(result.IsOk, result.Error?.Message);
        return result.Value;
    }

    /// <summary>Parse, resolve and pool checks together: the error must be one line and name what is wrong.</summary>
    private static string Fails(string text, IReadOnlyCollection<string>? pools = null)
    {
        var result = PolicyDocument.ParseAndResolve(text, pools);
        Assert.False(result.IsOk);
        var message = result.Error!.Message;
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain('\r', message);
        Assert.StartsWith("invalid policy configuration", message);
        Assert.False(PolicyDocument.Parse(text).IsOk && PolicyDocument.Parse(text).Value.Resolve(pools).IsOk);
        return message;
    }

    private static string WithDatasets(string datasets) => Policies + "\nzfs_datasets:\n" + datasets;

    [Fact]
    public void The_design_example_resolves_as_the_design_says()
    {
        var tree = Resolve(DesignExample);

        Assert.Equal(["tank/docker", "tank/docker/cache", "tank/docker/registry", "tank/documents"], tree.Datasets.Select(d => d.Name));

        var documents = tree.Find("tank/documents")!;
        Assert.Equal(("critical", PolicySource.Explicit), (documents.Policy!.Name, documents.Source));
        Assert.Equal("zstd", documents.Properties["compression"]);
        Assert.Equal("1M", documents.Properties["recordsize"]);

        var docker = tree.Find("tank/docker")!;
        Assert.Equal(("standard", PolicySource.Explicit), (docker.Policy!.Name, docker.Source));
        Assert.True(docker.DiscoverChildren);

        var cache = tree.Find("tank/docker/cache")!;
        Assert.Equal(("none", PolicySource.Explicit), (cache.Policy!.Name, cache.Source));

        var registry = tree.Find("tank/docker/registry")!;
        Assert.Equal(("standard", PolicySource.Inherited, "tank/docker"), (registry.Policy!.Name, registry.Source, registry.InheritedFrom));

        Assert.Equal(["tank/docker", "tank/docker/registry"], tree.WithPolicy("standard"));
        Assert.Equal("standard", tree.PolicyForDiscovered("tank/docker/5b1e0c7d")!.Policy.Name);
        Assert.Equal(48, tree.Policies["critical"].RetentionFor(Interval.Hourly));
        Assert.Equal(0, tree.Policies["critical"].RetentionFor(Interval.Yearly));
    }

    [Fact]
    public void Yaml_and_json_inputs_give_the_same_document_and_the_same_tree()
    {
        var yaml = PolicyDocument.Parse(DesignExample);
        var json = PolicyDocument.Parse(DesignExampleJson);
        Assert.True(yaml.IsOk, yaml.Error?.Message);
        Assert.True(json.IsOk, json.Error?.Message);

        Assert.Equal(yaml.Value, json.Value);
        Assert.Equal(yaml.Value.Resolve().Value, json.Value.Resolve().Value);
        Assert.Equal(PolicyTreeJson.Serialize(Resolve(DesignExample)), PolicyTreeJson.Serialize(Resolve(DesignExampleJson)));
    }

    [Fact]
    public void The_tree_serialises_to_the_documented_json_shape()
    {
        var json = PolicyTreeJson.Serialize(Resolve(DesignExample));

        Assert.StartsWith("""{"datasets":[{"name":"tank/docker","policy":"standard","source":"explicit","inherited_from":null,"discover_children":true,"discovery_root":"tank/docker","retention":{"hourly":24,"daily":14,"weekly":4},"replicate":true,"properties":{}},""", json);
        Assert.Contains("""{"name":"tank/docker/registry","policy":"standard","source":"inherited","inherited_from":"tank/docker","discover_children":false,"discovery_root":"tank/docker",""", json);
        Assert.Contains("""{"name":"tank/documents","policy":"critical","source":"explicit","inherited_from":null,"discover_children":false,"discovery_root":null,"retention":{"frequently":4,"hourly":48,"daily":30,"weekly":8,"monthly":12},"replicate":true,"properties":{"compression":"zstd","recordsize":"1M"}}""", json);
        Assert.EndsWith("""],"policies":["critical","none","scratch","standard"]}""", json);
    }

    [Fact]
    public void An_unmanaged_dataset_serialises_with_null_policy_and_no_retention()
    {
        var json = PolicyTreeJson.Serialize(Resolve(WithDatasets("  - name: tank/misc\n")));
        Assert.Contains("""{"name":"tank/misc","policy":null,"source":"unmanaged","inherited_from":null,"discover_children":false,"discovery_root":null,"retention":{},"replicate":false,"properties":{}}""", json);
    }

    [Fact]
    public void With_policy_serialises_as_a_list_of_names()
    {
        Assert.Equal("""["tank/docker","tank/docker/registry"]""", PolicyTreeJson.SerializeWithPolicy(Resolve(DesignExample), "standard"));
        Assert.Equal("[]", PolicyTreeJson.SerializeWithPolicy(Resolve(DesignExample), "gold"));
    }

    [Fact]
    public void Policies_and_datasets_can_come_from_two_texts()
    {
        var policies = DesignExample[..DesignExample.IndexOf("# host_vars", StringComparison.Ordinal)];
        var datasets = DesignExampleJson.Replace("\"zfs_policies\"", "\"ignored\"");

        var tree = PolicyDocument.ParseAndResolve(policies, datasets, pools: ["tank"]);
        Assert.True(tree.IsOk, tree.Error?.Message);
        Assert.Equal(Resolve(DesignExample), tree.Value);

        var parsed = PolicyDocument.Parse(policies, datasets).Value;
        Assert.Equal(PolicyDocument.Parse(DesignExample).Value, parsed);
        Assert.Equal(parsed, PolicyDocument.Merge(PolicyDocument.Parse(policies).Value, PolicyDocument.Parse(DesignExampleJson).Value));
    }

    [Fact]
    public void Two_texts_must_each_hold_their_key()
    {
        var result = PolicyDocument.Parse("zfs_datasets: []", "zfs_policies: {}");
        var message = result.Error!.Message;
        Assert.Contains("the policies document has no zfs_policies", message);
        Assert.Contains("the datasets document has no zfs_datasets", message);
    }

    [Fact]
    public void Other_top_level_variables_are_ignored_but_a_document_needs_one_of_the_two_keys()
    {
        Assert.True(PolicyDocument.Parse(Policies + "\nzfs_pools: [tank]\nntp_servers: [a, b]\n").IsOk);
        Assert.Contains("holds neither zfs_policies nor zfs_datasets", PolicyDocument.Parse("zfs_policy: {}").Error!.Message);
    }

    [Fact]
    public void The_pool_check_applies_to_parsed_documents()
    {
        var message = Fails(DesignExample, pools: ["slowpool"]);
        Assert.Contains("dataset 'tank/documents': outside every pool of this host (pools: slowpool)", message);
        Assert.Contains("(4 problems)", message);
    }

    [Fact]
    public void An_unknown_policy_is_named_with_the_known_ones()
    {
        var message = Fails(DesignExample.Replace("policy: critical", "policy: gold"));
        Assert.Equal("invalid policy configuration: dataset 'tank/documents': unknown policy 'gold' (known: critical, none, scratch, standard)", message);
    }

    [Fact]
    public void A_duplicate_dataset_is_named()
    {
        var message = Fails(WithDatasets("  - name: tank/a\n  - name: tank/b\n  - name: tank/a\n"));
        Assert.Contains("dataset 'tank/a': duplicate dataset (zfs_datasets entries 1 and 3)", message);
    }

    [Fact]
    public void An_invalid_dataset_name_is_named()
    {
        Assert.Contains("invalid dataset name 'tank/a;reboot'", Fails(WithDatasets("  - name: 'tank/a;reboot'\n")));
    }

    [Fact]
    public void A_negative_retention_count_is_named_with_its_policy_and_interval()
    {
        var message = Fails("zfs_policies:\n  standard: { snapshots: { hourly: -1 } }\n");
        Assert.Equal("invalid policy configuration: policy 'standard': snapshots.hourly must be a whole number from 0 to 100000, got -1", message);
    }

    [Theory]
    [InlineData("1.5", "got 1.5")]
    [InlineData("'24'", "got '24'")]
    [InlineData("lots", "got 'lots'")]
    [InlineData("true", "got true")]
    [InlineData("[1]", "got a list")]
    [InlineData("~", "got null")]
    [InlineData("99999999999", "got 99999999999")]
    [InlineData("1e3", "got 1e3")]
    public void A_retention_count_that_is_not_a_whole_number_is_refused(string count, string got)
    {
        var message = Fails($"zfs_policies:\n  standard:\n    snapshots:\n      daily: {count}\n");
        Assert.Contains("policy 'standard': snapshots.daily must be a whole number from 0 to 100000, " + got, message);
    }

    [Fact]
    public void An_absurdly_large_retention_count_is_refused()
    {
        Assert.Contains("policy 'standard': snapshots.weekly must be a whole number from 0 to 100000, got 1000000", Fails("""{"zfs_policies": {"standard": {"snapshots": {"weekly": 1000000}}}}"""));
    }

    [Fact]
    public void An_unknown_interval_is_named_with_the_known_ones()
    {
        var message = Fails("zfs_policies:\n  standard: { snapshots: { minutely: 60, hourly: 24 } }\n");
        Assert.Equal("invalid policy configuration: policy 'standard': unknown interval 'minutely' (known: frequently, hourly, daily, weekly, monthly, yearly)", message);
    }

    [Fact]
    public void An_unknown_key_in_a_policy_is_named()
    {
        var message = Fails("zfs_policies:\n  standard: { snapshots: { hourly: 24 }, replicat: true }\n");
        Assert.Equal("invalid policy configuration: policy 'standard': unknown key 'replicat' (known: replicate, snapshots)", message);
    }

    [Fact]
    public void An_unknown_key_in_a_dataset_is_named()
    {
        var message = Fails(WithDatasets("  - name: tank/a\n    polcy: standard\n"));
        Assert.Equal("invalid policy configuration: dataset 'tank/a': unknown key 'polcy' (known: children_inherit_policy, name, policy, properties, snapshots_discover_children)", message);
    }

    [Theory]
    [InlineData("children_inherit_policy: maybe", "dataset 'tank/a': 'children_inherit_policy' must be true or false, got 'maybe'")]
    [InlineData("snapshots_discover_children: 1", "dataset 'tank/a': 'snapshots_discover_children' must be true or false, got 1")]
    [InlineData("children_inherit_policy: 'yes'", "dataset 'tank/a': 'children_inherit_policy' must be true or false, got 'yes'")]
    [InlineData("policy: [standard]", "dataset 'tank/a': 'policy' must be a policy name, got a list")]
    [InlineData("properties: [compression]", "dataset 'tank/a': 'properties' must be a mapping of ZFS property to value, got a list")]
    [InlineData("properties: { quota: ~ }", "dataset 'tank/a': property 'quota' must be a string, number or on/off, got null")]
    [InlineData("properties: { quota: { size: 1 } }", "dataset 'tank/a': property 'quota' must be a string, number or on/off, got a mapping")]
    public void A_dataset_value_of_the_wrong_type_is_named_with_its_key(string line, string problem)
    {
        Assert.Contains(problem, Fails(WithDatasets($"  - name: tank/a\n    {line}\n")));
    }

    [Theory]
    [InlineData("replicate: 'true'", "policy 'standard': 'replicate' must be true or false, got 'true'")]
    [InlineData("snapshots: [hourly]", "policy 'standard': 'snapshots' must be a mapping of interval to count, got a list")]
    public void A_policy_value_of_the_wrong_type_is_named_with_its_key(string line, string problem)
    {
        Assert.Contains(problem, Fails($"zfs_policies:\n  standard:\n    {line}\n"));
    }

    [Theory]
    [InlineData("zfs_policies: [a, b]", "zfs_policies must be a mapping of policy name to settings, got a list")]
    [InlineData("zfs_policies: { standard: 24 }", "policy 'standard': must be a mapping (snapshots, replicate), got 24")]
    [InlineData("zfs_datasets: { tank/a: {} }", "zfs_datasets must be a list of datasets, got a mapping")]
    [InlineData("zfs_datasets: [tank/a]", "zfs_datasets entry 1: must be a mapping with at least a name, got 'tank/a'")]
    [InlineData("zfs_datasets: [{ policy: standard }]", "zfs_datasets entry 1: 'name' is missing")]
    [InlineData("zfs_datasets: [{ name: 42 }]", "zfs_datasets entry 1: 'name' must be a string, got 42")]
    [InlineData("zfs_datasets: [{ name: [a] }]", "zfs_datasets entry 1: 'name' must be a string, got a list")]
    public void A_structure_of_the_wrong_shape_is_refused_saying_where(string text, string problem)
    {
        Assert.Contains(problem, Fails(text));
    }

    [Fact]
    public void Parse_and_resolve_report_their_problems_together()
    {
        var message = Fails("""
            zfs_policies:
              standard: { snapshots: { hourly: 24, minutely: 5 } }
            zfs_datasets:
              - name: tank/a
                policy: gold
                colour: blue
            """);

        Assert.Contains("(3 problems)", message);
        Assert.Contains("policy 'standard': unknown interval 'minutely'", message);
        Assert.Contains("dataset 'tank/a': unknown key 'colour'", message);
        Assert.Contains("dataset 'tank/a': unknown policy 'gold' (known: standard)", message);
    }

    [Fact]
    public void A_policy_with_a_bad_count_is_still_known_to_its_datasets()
    {
        var message = Fails("zfs_policies:\n  standard: { snapshots: { hourly: lots } }\nzfs_datasets:\n  - { name: tank/a, policy: standard }\n");
        Assert.DoesNotContain("unknown policy", message);
    }

    [Fact]
    public void Parse_alone_refuses_what_it_cannot_read()
    {
        var result = PolicyDocument.Parse("zfs_policies:\n  standard: { snapshots: { hourly: x } }\n");
        var error = Assert.IsType<PolicyConfigurationError>(result.Error);
        Assert.Single(error.Problems);
    }

    [Fact]
    public void Yaml_booleans_are_read_the_way_ansible_reads_them()
    {
        var tree = Resolve(Policies + """

            zfs_datasets:
              - { name: tank/a, policy: standard, children_inherit_policy: yes, snapshots_discover_children: on }
              - { name: tank/a/b, children_inherit_policy: no }
              - { name: tank/c, policy: standard, children_inherit_policy: True, snapshots_discover_children: FALSE }
              - { name: tank/c/d }
            """);

        Assert.True(tree.Find("tank/a")!.DiscoverChildren);
        Assert.Equal(PolicySource.Inherited, tree.Find("tank/a/b")!.Source);
        Assert.False(tree.Find("tank/c")!.DiscoverChildren);
        Assert.Equal(PolicySource.Inherited, tree.Find("tank/c/d")!.Source);
    }

    [Fact]
    public void Property_values_come_back_as_zfs_expects_them()
    {
        var tree = Resolve(WithDatasets("""
              - name: tank/a
                properties:
                  atime: off
                  dedup: on
                  copies: 2
                  quota: 1.50
                  recordsize: 1M
                  com.example:note: "a quoted: value"
                  compression: 'on'
            """));

        var properties = tree.Find("tank/a")!.Properties;
        Assert.Equal("off", properties["atime"]);
        Assert.Equal("on", properties["dedup"]);
        Assert.Equal("2", properties["copies"]);
        Assert.Equal("1.50", properties["quota"]);
        Assert.Equal("1M", properties["recordsize"]);
        Assert.Equal("a quoted: value", properties["com.example:note"]);
        Assert.Equal("on", properties["compression"]);
    }

    [Fact]
    public void A_null_policy_means_none_given_and_a_bare_policy_entry_takes_no_snapshots()
    {
        var tree = Resolve("zfs_policies:\n  none:\nzfs_datasets:\n  - name: tank/a\n    policy:\n  - { name: tank/b, policy: none }\n");
        Assert.Equal(PolicySource.Unmanaged, tree.Find("tank/a")!.Source);
        Assert.Empty(tree.Find("tank/b")!.Policy!.Retention);
    }

    [Fact]
    public void Yaml_anchors_aliases_and_merge_keys_work()
    {
        var tree = Resolve("""
            zfs_policies:
              standard: &std { snapshots: { hourly: 24, daily: 7 }, replicate: true }
              local:
                <<: *std
                replicate: false
              copy: *std
            zfs_datasets:
              - { name: tank/a, policy: local }
            """);

        Assert.Equal(SnapshotPolicy.Create("local", false, (Interval.Hourly, 24), (Interval.Daily, 7)), tree.Policies["local"]);
        Assert.True(tree.Policies["copy"].Replicate);
    }

    [Fact]
    public void A_str_tag_keeps_a_number_a_string()
    {
        Assert.Contains("got '24'", Fails("zfs_policies:\n  standard: { snapshots: { hourly: !!str 24 } }\n"));
    }

    [Fact]
    public void Yaml_flow_style_starting_with_a_brace_is_still_yaml()
    {
        var tree = Resolve("{zfs_policies: {standard: {snapshots: {hourly: 24}}}, zfs_datasets: [{name: tank/a, policy: standard}]}");
        Assert.Equal("standard", tree.Find("tank/a")!.Policy!.Name);
    }

    [Theory]
    [InlineData("zfs_policies: [unclosed", "the policy document is not valid YAML")]
    [InlineData("zfs_policies:\n  a: 1\n b: 2\n", "the policy document is not valid YAML")]
    [InlineData("zfs_policies:\n\tstandard: {}\n", "the policy document is not valid YAML")]
    [InlineData("zfs_policies: {}\nzfs_policies: {}\n", "zfs_policies")]
    [InlineData("zfs_datasets: *nowhere\n", "the policy document is not valid YAML")]
    [InlineData("zfs_policies: {}\n---\nzfs_datasets: []\n", "holds 2 YAML documents; expected one")]
    [InlineData("", "the policy document is empty")]
    [InlineData("# only a comment\n", "the policy document is empty")]
    [InlineData("- a\n- b\n", "must be a mapping with zfs_policies and/or zfs_datasets, got a list")]
    [InlineData("just text", "must be a mapping with zfs_policies and/or zfs_datasets, got 'just text'")]
    [InlineData("{\"zfs_policies\": ", "the policy document is not valid JSON")]
    [InlineData("{\"zfs_policies\": {}, \"zfs_policies\": {}}", "the policy document is not valid JSON")]
    [InlineData("[1, 2", "the policy document is not valid JSON")]
    [InlineData("{\"zfs_datasets\": [{\"name\": \"tank/a\"}]} trailing", "the policy document is not valid JSON")]
    public void Malformed_input_gives_a_one_line_error_not_an_exception(string text, string problem)
    {
        Assert.Contains(problem, Fails(text));
    }

    [Fact]
    public void A_duplicate_yaml_key_is_refused()
    {
        var message = Fails("zfs_datasets: []\nzfs_policies: {}\nzfs_datasets: []\n");
        Assert.Contains("zfs_datasets", message);
        Assert.Contains("uplicate", message);
    }

    [Theory]
    [InlineData('[', ']')]
    [InlineData('{', '}')]
    public void Hostile_nesting_is_refused_before_it_can_exhaust_the_stack(char open, char close)
    {
        var depth = 100_000;
        var text = "zfs_policies: " + (open == '{' ? string.Concat(Enumerable.Repeat("{a: ", depth)) : new string(open, depth)) + "1" + new string(close, depth);
        Assert.Contains("nested deeper than 64 levels", Fails(text));
        Assert.Contains("not valid JSON", Fails(new string(open, depth)));
    }

    [Fact]
    public void An_alias_bomb_is_refused()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 10; i++)
        {
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        }

        lines.Add("zfs_policies: {}");
        Assert.Contains("more than 100000 values once aliases are expanded", Fails(string.Join("\n", lines)));
    }

    [Fact]
    public void Control_characters_in_the_input_do_not_break_the_one_line_error()
    {
        var message = Fails("zfs_datasets:\n  - name: \"tank/a\\nrm -rf /\\r\"\n    polic\\u0007y: x\n");
        Assert.Contains("invalid dataset name 'tank/a\\x0arm -rf /\\x0d'", message);
    }

    [Theory]
    [InlineData("'tank/$(reboot)'")]
    [InlineData("'tank/a; rm -rf /'")]
    [InlineData("'tank/`id`'")]
    [InlineData("'-tank/a'")]
    [InlineData("'tank/-o'")]
    [InlineData("'--help'")]
    [InlineData("\"tank/a\\u0000b\"")]
    [InlineData("'tank/a > /etc/passwd'")]
    public void Hostile_dataset_names_in_yaml_are_refused_by_name(string name)
    {
        var text = WithDatasets($"  - name: {name}\n    policy: standard\n");
        Assert.Contains("invalid dataset name", Fails(text));
        var error = Assert.IsType<PolicyConfigurationError>(PolicyDocument.ParseAndResolve(text).Error);
        Assert.Single(error.Problems);
    }

    [Fact]
    public void A_300_character_dataset_name_in_json_is_refused_with_a_short_message()
    {
        var name = "tank/" + new string('x', 295);
        var message = Fails($$"""{"zfs_datasets": [{"name": "{{name}}"}]}""");
        Assert.Contains("dataset 'tank/xxx", message);
        Assert.Contains("300 characters long", message);
        Assert.True(message.Length < 250, message);
    }

    [Fact]
    public void Hostile_policy_names_are_refused()
    {
        var message = Fails("zfs_policies:\n  '$(reboot)': {}\n  '-x': {}\nzfs_datasets:\n  - { name: tank/a, policy: '$(reboot)' }\n");
        Assert.Contains("policy '$(reboot)': invalid name", message);
        Assert.Contains("policy '-x': invalid name", message);
        Assert.DoesNotContain("unknown policy", message);
    }

    [Fact]
    public void An_oversized_text_is_refused_before_parsing()
    {
        var result = PolicyDocument.Parse(new string(' ', PolicyDocument.MaxTextLength + 1));
        Assert.Contains("the maximum is", result.Error!.Message);
    }

    [Fact]
    public void Parse_results_are_values_with_equality()
    {
        Assert.Equal(PolicyDocument.Parse(DesignExample).Value, PolicyDocument.Parse(DesignExample).Value);
        Assert.NotEqual(PolicyDocument.Parse(DesignExample).Value, PolicyDocument.Parse(DesignExample.Replace("hourly: 6", "hourly: 7")).Value);
        Assert.IsType<PolicyConfigurationError>(PolicyDocument.Parse("x: [").Error);
        Assert.IsAssignableFrom<Error>(PolicyDocument.Parse("x: [").Error);
    }
}
