using System.Collections.Immutable;
using System.Text.Json.Nodes;
using ZfsAnsible.ModuleProtocol.Arguments;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Modules.Installation;
using ZfsAnsible.Modules.ZfsReplicate;

namespace ZfsAnsible.Modules.Access;

public enum SourceAccess
{
    /// <summary>A source: the key may only run <c>zfs_replicate serve</c> for the allowed datasets.</summary>
    Serve,

    /// <summary>An offsite target of a push, which runs zfs recv there: <c>restrict</c> only (no pty, no forwarding).</summary>
    Receive,
}

public enum KeyState
{
    Present,
    Absent,
}

/// <summary>zfs_pull_source's options, typed.</summary>
public sealed record ZfsPullSourceArguments(
    string PublicKey,
    ImmutableArray<string> Allow,
    SourceAccess Access = SourceAccess.Serve,
    string AuthorizedKeys = ZfsPullSourceModule.DefaultAuthorizedKeys,
    KeyState State = KeyState.Present);

/// <summary>
/// zfs_pull_source, on a source host: authorizes a backup server's public key with <c>restrict</c> and the forced
/// command <c>zfs_replicate serve --allow …</c> (installing this executable at its fixed path for it), so the key can
/// list, send, hold and mark the allowed datasets and nothing else (docs/safety.md rule 7). <c>access: receive</c> authorizes
/// an offsite push's key instead.
/// </summary>
public static class ZfsPullSourceModule
{
    public const string ModuleName = "zfs_pull_source";
    public const string DefaultAuthorizedKeys = "/root/.ssh/authorized_keys";

    private static readonly UnixFileMode Private = (UnixFileMode)Convert.ToInt32("600", 8);

    public static ArgumentSpec Spec { get; } = ArgumentSpec.Of(
        ("public_key", Option.Str(required: true)),
        ("allow", Option.List()),
        ("access", Option.Choice(SourceAccess.Serve)),
        ("authorized_keys", Option.Path(@default: DefaultAuthorizedKeys)),
        ("state", Option.Choice(KeyState.Present)));

    public static ModuleDefinition Definition() => new(ModuleName, Spec, context => Execute(context, InstalledProgram.Self));

    public static ModuleResult Execute(ModuleContext context, string? self)
    {
        var arguments = context.Parameters.Bind(ModuleArgumentsJson.Default.ZfsPullSourceArguments);
        var key = PublicKey.Parse(arguments.PublicKey);
        if (!key.IsOk)
        {
            return ModuleResult.Fail(key.Error.Message);
        }

        if (!Path.IsPathFullyQualified(arguments.AuthorizedKeys) || arguments.AuthorizedKeys.Any(char.IsControl))
        {
            return ModuleResult.Fail("authorized_keys must be an absolute path");
        }

        var serve = arguments.Access == SourceAccess.Serve && arguments.State == KeyState.Present;
        if (serve)
        {
            var roots = ReplicationServer.CheckRoots(arguments.Allow, "allow");
            if (!roots.IsOk)
            {
                return ModuleResult.Fail(roots.Error.Message);
            }

            if (self is null)
            {
                return ModuleResult.Fail("cannot find this executable's own file to install it (/proc/self/exe)");
            }
        }

        var program = InstalledProgram.PathOf("zfs_replicate");
        var line = arguments.State == KeyState.Absent ? null
            : serve ? AuthorizedKeys.ServeLine(key.Value, program, arguments.Allow)
            : AuthorizedKeys.ReceiveLine(key.Value);
        try
        {
            var before = File.Exists(arguments.AuthorizedKeys) ? File.ReadAllText(arguments.AuthorizedKeys) : null;
            var after = AuthorizedKeys.Apply(before, key.Value, line);
            var fileChanges = after != (before ?? string.Empty) && !(before is null && line is null);
            var programChanges = serve && InstalledProgram.Ensure(self!, program, context.CheckMode);
            if (fileChanges && !context.CheckMode)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(arguments.AuthorizedKeys)!, (UnixFileMode)Convert.ToInt32("700", 8));
                HostFiles.Write(arguments.AuthorizedKeys, System.Text.Encoding.UTF8.GetBytes(after), Private);
            }

            string? Ours(string? text) => text?.Split('\n').FirstOrDefault(l => AuthorizedKeys.Holds(l, key.Value));
            var changed = fileChanges || programChanges;
            var what = line is null ? "removed" : serve ? $"restricted to zfs_replicate serve --allow {string.Join(" --allow ", arguments.Allow)}" : "authorized to receive (restrict)";
            return new ModuleResult
            {
                Changed = changed,
                Msg = changed ? $"{key.Value.Comment}: {(context.CheckMode ? "would be " : string.Empty)}{what}" : $"{key.Value.Comment}: up to date",
                Diff = new ModuleDiff(Ours(before), Ours(after)),
            }
                .With("line", line)
                .With("program_path", serve ? program : null)
                .With("authorized_keys", arguments.AuthorizedKeys);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ModuleResult.Fail($"cannot update {arguments.AuthorizedKeys}: {(exception is UnauthorizedAccessException ? "permission denied (become: true)" : "I/O error")}");
        }
    }
}
