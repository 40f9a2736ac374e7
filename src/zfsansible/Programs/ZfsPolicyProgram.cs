using System.Diagnostics.CodeAnalysis;
using System.Text;
using CommandLine;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Policies;

namespace ZfsAnsible.Executables.ZfsPolicy;

/// <summary>Where the inventory comes from: one file (or stdin) with both keys, or one file each.</summary>
internal abstract class InputOptions
{
    [Option('i', "input", HelpText = "YAML or JSON holding zfs_policies and zfs_datasets; '-' or nothing reads stdin.")]
    public string? Input { get; set; }

    [Option("policies", HelpText = "YAML or JSON file holding zfs_policies (with --datasets).")]
    public string? Policies { get; set; }

    [Option("datasets", HelpText = "YAML or JSON file holding zfs_datasets (with --policies).")]
    public string? Datasets { get; set; }

    [Option("pools", Separator = ',', HelpText = "The host's pools, comma-separated: a dataset in any other pool is an error.")]
    public IEnumerable<string> Pools { get; set; } = [];
}

[Verb("resolve", HelpText = "Print every configured dataset's effective policy, with where it came from, as JSON.")]
internal sealed class ResolveOptions : InputOptions
{
}

[Verb("with-policy", HelpText = "Print the names of the datasets whose effective policy is NAME, as a JSON list.")]
internal sealed class WithPolicyOptions : InputOptions
{
    [Value(0, MetaName = "NAME", Required = true, HelpText = "Policy name.")]
    public string Name { get; set; } = string.Empty;
}

/// <summary>
/// zfs-policy: the policy resolver as a command, for the Jinja filters and for people. stdout carries JSON only;
/// a bad inventory is one line on stderr and exit code 2.
/// </summary>
internal static class ZfsPolicyProgram
{
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(ResolveOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(WithPolicyOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(InputOptions))]
    public static Applet Applet() => new("zfs-policy", () => [], Cli);

    private static int Cli(string[] args) =>
        CommandLineFace.Dispatch("zfs-policy", args, [typeof(ResolveOptions), typeof(WithPolicyOptions)], options => options switch
        {
            WithPolicyOptions withPolicy => Answer(Resolve(withPolicy).Bind(tree => WithPolicy(tree, withPolicy.Name))),
            _ => Answer(Resolve((ResolveOptions)options).Map(PolicyTreeJson.Serialize)),
        });

    private static Result<string> WithPolicy(PolicyTree tree, string name) =>
        tree.Policies.ContainsKey(name)
            ? Result.Ok(PolicyTreeJson.SerializeWithPolicy(tree, name))
            : Result<string>.Fail($"unknown policy '{ZfsAnsible.Domain.Naming.ZfsNames.Printable(name)}' (known: {string.Join(", ", tree.Policies.Keys)})");

    private static Result<PolicyTree> Resolve(InputOptions options)
    {
        var pools = options.Pools.ToList();
        var poolFilter = pools.Count == 0 ? null : pools;
        if (options.Policies is not null || options.Datasets is not null)
        {
            if (options.Policies is null || options.Datasets is null || options.Input is not null)
            {
                return Result<PolicyTree>.Fail("give --policies and --datasets together, or --input alone");
            }

            return Read(options.Policies).Bind(policies => Read(options.Datasets).Bind(datasets => PolicyDocument.ParseAndResolve(policies, datasets, poolFilter)));
        }

        return Read(options.Input ?? "-").Bind(text => PolicyDocument.ParseAndResolve(text, poolFilter));
    }

    /// <summary>A file or stdin, refused beyond the document size limit before it is parsed.</summary>
    private static Result<string> Read(string path)
    {
        try
        {
            using var stream = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            var buffer = new char[PolicyDocument.MaxTextLength + 1];
            using var reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
            var length = reader.ReadBlock(buffer, 0, buffer.Length);
            return length > PolicyDocument.MaxTextLength
                ? Result<string>.Fail($"{Describe(path)} is larger than {PolicyDocument.MaxTextLength} characters")
                : Result.Ok(new string(buffer, 0, length));
        }
        catch (IOException)
        {
            return Result<string>.Fail($"cannot read {Describe(path)}");
        }
        catch (UnauthorizedAccessException)
        {
            return Result<string>.Fail($"cannot read {Describe(path)}: permission denied");
        }
        catch (DecoderFallbackException)
        {
            return Result<string>.Fail($"{Describe(path)} is not UTF-8 text");
        }
    }

    private static string Describe(string path) => path == "-" ? "stdin" : $"'{ZfsAnsible.Domain.Naming.ZfsNames.Printable(path)}'";

    private static int Answer(Result<string> answer)
    {
        if (!answer.IsOk)
        {
            Console.Error.WriteLine($"zfs-policy: {answer.Error.Message}");
            return 2;
        }

        Console.Out.WriteLine(answer.Value);
        return 0;
    }
}
