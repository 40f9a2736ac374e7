using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>
/// Every executable's command-line face, both architectures: no default verb (a typo runs nothing), a usage line a
/// person can act on instead of a banner, --help as an answer, and a vanished args file as a failed task.
/// </summary>
public class CommandLineFaceContractTests
{
    private static readonly string[] Executables = ["zfs_pool", "zfs_dataset_policy", "zfs_snapshot_prune", "zfs_replicate", "pi_boot_config", "zfs-policy", "zfs-api"];

    public static TheoryData<string, string> Cases() => BothArchitectures.Times(Executables);

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_mistyped_or_missing_verb_is_a_usage_error_that_runs_nothing(string rid, string executable)
    {
        var module = new NativeModule(executable, rid);
        foreach (var argv in new[] { new[] { "frobnicate" }, ["Probe"], [], ["--no-such-option"] })
        {
            var outcome = module.Run(argv);
            Assert.True(outcome.ExitCode == 2, $"{executable} {string.Join(' ', argv)}: {outcome}");
            Assert.Empty(outcome.StandardOutput);
            Assert.StartsWith($"usage: {executable} VERB [OPTIONS]", outcome.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("Copyright", outcome.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", outcome.StandardError, StringComparison.Ordinal);
        }

        var help = module.Run("--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.StartsWith($"usage: {executable} VERB [OPTIONS]", help.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_vanished_args_file_is_a_failed_answer(string rid, string executable)
    {
        if (executable is "zfs-policy" or "zfs-api")
        {
            // Not a module: a path is a usage error like any other stray word.
            Assert.Equal(2, new NativeModule(executable, rid).Run("/path/that/does/not/exist").ExitCode);
            return;
        }

        CleanFailure.Assert(new NativeModule(executable, rid).Run("/path/that/does/not/exist"), "cannot read the args file /path/that/does/not/exist: no such file");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Arguments_on_stdin_are_read_like_an_args_file_with_the_same_limits(string rid, string executable)
    {
        if (executable is "zfs-policy" or "zfs-api")
        {
            return; // not modules: the action plugin never runs them
        }

        var module = new NativeModule(executable, rid);
        // A well-formed call refused for an unknown option: the arguments were read, parsed and checked.
        CleanFailure.Assert(module.RunOnStdin("{\"no_such_option\": 1}"u8.ToArray()), "Unsupported parameters");
        CleanFailure.Assert(module.RunOnStdin([0x7b, 0xff, 0xfe, 0x7d]), "the args file is not valid JSON (not UTF-8)");
        CleanFailure.Assert(module.RunOnStdin(new byte[17 * 1024 * 1024]), "the arguments on stdin are over the limit of");
        CleanFailure.Assert(module.RunOnStdin([]), "not valid JSON");
    }
}

/// <summary>
/// zfsansible, the multi-call executable behind every module and command: a link's name picks the program (the tests
/// above run those links), else its first argument does; anything else is a usage line naming the programs.
/// </summary>
public class MultiCallContractTests
{
    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void The_first_argument_names_the_program_and_any_other_word_is_a_usage_error(string rid)
    {
        var zfsansible = new NativeModule("zfsansible", rid);
        foreach (var argv in new[] { [], new[] { "nope" }, ["zfs_pool_x86_64"], ["zfs-api"], ["-x"] })
        {
            var outcome = zfsansible.Run(argv);
            Assert.True(outcome.ExitCode == 2, $"zfsansible {string.Join(' ', argv)}: {outcome}");
            Assert.Empty(outcome.StandardOutput);
            Assert.StartsWith("usage: zfsansible PROGRAM [ARGS]", outcome.StandardError, StringComparison.Ordinal);
            Assert.Contains("programs: zfs_pool, zfs_dataset_policy, zfs_snapshot_prune, zfs_replicate, pi_boot_config, zfs-policy", outcome.StandardError, StringComparison.Ordinal);
        }

        var help = zfsansible.Run("--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.StartsWith("usage: zfsansible PROGRAM [ARGS]", help.StandardOutput, StringComparison.Ordinal);

        var program = zfsansible.Run("zfs-policy", "--help");
        Assert.True(program.ExitCode == 0, program.ToString());
        Assert.StartsWith("usage: zfs-policy VERB [OPTIONS]", program.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void Argument_specs_print_every_modules_options_in_ansible_cores_terms(string rid)
    {
        // What the lint tier holds the docs stubs, roles and command lines to (tests/lint/check_options.py).
        var outcome = new NativeModule("zfsansible", rid).Run("--argument-specs");
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var specs = System.Text.Json.Nodes.JsonNode.Parse(outcome.StandardOutput)!.AsObject();
        Assert.Equal(["pi_boot_config", "pi_pcie_info", "zfs_dataset_policy", "zfs_facts", "zfs_pool", "zfs_pull_key", "zfs_pull_source", "zfs_replicate", "zfs_snapshot_prune", "zfs_timer"], specs.Select(s => s.Key));
        Assert.Equal("""{"type":"str","required":true}""", specs["zfs_pool"]!["argument_spec"]!["name"]!.ToJsonString());
        Assert.Equal("""[["datasets","name"]]""", specs["zfs_dataset_policy"]!["required_one_of"]!.ToJsonString());
        Assert.Equal("""[["dtparam","dtoverlay","key"]]""", specs["pi_boot_config"]!["argument_spec"]!["settings"]!["required_one_of"]!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void An_args_file_names_its_module_whatever_the_binary_is_called(string rid)
    {
        // As the target's cache runs it (zfsansible_<arch>-<hash> /dev/stdin): the task's module name picks the module.
        var zfsansible = new NativeModule("zfsansible", rid);
        foreach (var module in new[] { "zfs_pool", "zfs_timer", "zfs_pull_source", "pi_pcie_info", "zfs_snapshot_prune" })
        {
            CleanFailure.Assert(
                zfsansible.RunOnStdin(System.Text.Encoding.UTF8.GetBytes($$"""{"_ansible_module_name": "zfsansible.zfs.{{module}}", "no_such_option": 1}""")),
                $"Unsupported parameters for (zfsansible.zfs.{module}) module: no_such_option");
        }
    }
}
