using System.Text.Json.Nodes;
using ZfsAnsible.ModuleProtocol.Arguments;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.Access;

/// <summary>
/// zfs_pull_key, on a backup server: its own ssh key pair for pulling, generated there once (ed25519, no passphrase,
/// the directory 0700). Only the public key is ever read or returned; the private key never leaves the host.
/// </summary>
public static class ZfsPullKeyModule
{
    public const string ModuleName = "zfs_pull_key";
    public const string DefaultPath = "/etc/zfsansible/ssh/pull_ed25519";

    public static ArgumentSpec Spec { get; } = ArgumentSpec.Of(
        ("path", Option.Path(@default: DefaultPath)),
        ("comment", Option.Str()));

    public static ModuleDefinition Definition(ICommandRunner runner) => new(ModuleName, Spec, context => Execute(context, runner));

    public static ModuleResult Execute(ModuleContext context, ICommandRunner runner)
    {
        var arguments = context.Parameters.Bind(ModuleArgumentsJson.Default.ZfsPullKeyArguments);
        var path = arguments.Path;
        var comment = arguments.Comment ?? $"zfsansible-pull@{Environment.MachineName}";
        if (!Path.IsPathFullyQualified(path) || path.Any(char.IsControl) || path.EndsWith('/'))
        {
            return ModuleResult.Fail("path must be the absolute path of the private key file");
        }

        if (!PublicKey.IsComment(comment))
        {
            return ModuleResult.Fail("comment must be one word of letters, digits and @._:+-");
        }

        var changed = !File.Exists(path);
        if (changed && context.CheckMode)
        {
            return new ModuleResult { Changed = true, Msg = $"would generate the key pair {path}" }.With("path", path).With("public_key", null);
        }

        if (changed)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!, (UnixFileMode)Convert.ToInt32("700", 8));
            var generated = runner.Run(Command.Of("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-C", comment, "-f", path));
            if (!generated.Succeeded)
            {
                return ModuleResult.Fail(generated.FailureSummary);
            }
        }

        // The .pub file may be gone (copied keys); ssh-keygen -y derives it from the private key without printing it.
        var publicText = File.Exists(path + ".pub") ? File.ReadAllText(path + ".pub")
            : runner.Run(Command.Of("ssh-keygen", "-y", "-f", path)) is { Succeeded: true } derived ? derived.StandardOutput
            : null;
        var key = PublicKey.Parse(publicText ?? string.Empty);
        if (!key.IsOk)
        {
            return ModuleResult.Fail($"cannot read the public key of {path} (ssh-keygen -y -f {path} failed)");
        }

        return new ModuleResult { Changed = changed, Msg = changed ? $"generated the key pair {path}" : $"the key pair {path} exists" }
            .With("path", path)
            .With("public_key", JsonValue.Create(key.Value.ToString()));
    }
}

/// <summary>zfs_pull_key's options, typed.</summary>
public sealed record ZfsPullKeyArguments(string Path = ZfsPullKeyModule.DefaultPath, string? Comment = null);
