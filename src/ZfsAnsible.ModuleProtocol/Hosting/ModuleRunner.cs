using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.ModuleProtocol.Hosting;

/// <summary>
/// Runs a module the way Ansible runs a binary module: read the JSON args file, validate, execute,
/// print exactly one JSON object. Whatever happens, stdout gets that one object and nothing else.
/// </summary>
public static class ModuleRunner
{
    /// <summary>Larger args files are refused before parsing: no task needs this much.</summary>
    public const int MaxArgsBytes = 16 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Runs the module on the args file and writes the answer; returns the process exit code.</summary>
    public static int Run(ModuleDefinition module, string argsPath, TextWriter stdout) => Run([module], argsPath, stdout);

    public static int Run(IEnumerable<ModuleDefinition> modules, string argsPath, TextWriter stdout)
    {
        var response = Respond(modules, () => ReadArgs(argsPath));
        stdout.Write(response.ToJsonString());
        stdout.Flush();
        return response["failed"]?.GetValue<bool>() == true ? 1 : 0;
    }

    /// <summary>The whole answer for given args text; separate from I/O so tests can drive it.</summary>
    public static JsonObject Respond(ModuleDefinition module, Func<string> readArgs) => Respond([module], readArgs);

    /// <summary>
    /// The answer of the module the args name (the leaf of _ansible_module_name), or of the first. The modules are
    /// walked only as far as the one named: a lazy sequence builds no module after it.
    /// </summary>
    public static JsonObject Respond(IEnumerable<ModuleDefinition> modules, Func<string> readArgs)
    {
        var module = modules.First();
        ModuleParameters? parameters = null;
        try
        {
            var input = ParseArgs(readArgs());
            if (input.Error is not null)
            {
                return Failure(input.Error);
            }

            // Errors name the module as the task did (zfs_pool or zfsansible.zfs.zfs_pool), like ansible-core.
            var taskName = input.Args!["_ansible_module_name"] is JsonValue name && name.GetValueKind() == JsonValueKind.String ? name.GetValue<string>() : module.Name;
            var leaf = taskName.Split('.')[^1];
            module = modules.FirstOrDefault(m => m.Name == leaf && m.Serves(input.Args!)) ?? modules.FirstOrDefault(m => m.Name == leaf) ?? module;
            var validation = ArgumentSpecValidator.Validate(input.Args!, module.Spec, taskName);
            if (!validation.IsValid)
            {
                return Failure(validation.Message);
            }

            parameters = validation.Parameters!;
            var context = new ModuleContext(
                module.Name,
                parameters,
                CheckMode: Flag(input.Args!, "_ansible_check_mode"),
                DiffMode: Flag(input.Args!, "_ansible_diff"),
                Verbosity: (int)(TypeCoercion.Coerce(input.Args!["_ansible_verbosity"], ArgumentType.Int).Value?.GetValue<long>() ?? 0));
            var result = module.Execute(context);
            return Scrub(Render(result, context), parameters.SecretValues().ToList());
        }
        catch (ArgsFileException exception)
        {
            return Failure(exception.Message);
        }
#pragma warning disable CA1031 // The protocol demands one JSON answer whatever went wrong.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var message = $"internal error in {module.Name}: {exception.GetType().Name}: {OneLine(exception.Message)}";
            var answer = Failure(message);
            return parameters is null ? answer : Scrub(answer, parameters.SecretValues().ToList());
        }
    }

    /// <summary>The collection's action plugin passes the arguments on stdin (no args file to upload) when the connection allows it.</summary>
    public const string StdinArgsPath = "/dev/stdin";

    private static string ReadArgs(string path)
    {
        if (path == StdinArgsPath)
        {
            // Read the stream itself: reopening /dev/stdin fails when sshd hands the command a socket.
            try
            {
                return Decode(ReadBounded(Console.OpenStandardInput()));
            }
            catch (IOException)
            {
                throw new ArgsFileException("cannot read the arguments on stdin: read error");
            }
        }

        var info = new FileInfo(path);
        if (Directory.Exists(path) || !info.Exists)
        {
            throw new ArgsFileException($"cannot read the args file {Printable(path)}: {(Directory.Exists(path) ? "it is a directory" : "no such file")}");
        }

        if (info.Length > MaxArgsBytes)
        {
            throw new ArgsFileException($"the args file is {info.Length} bytes; the limit is {MaxArgsBytes}");
        }

        try
        {
            return Decode(File.ReadAllBytes(path));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The framework's texts are resource keys in these builds (UseSystemResourceKeys): say it in words.
            throw new ArgsFileException($"cannot read the args file {Printable(path)}: {(exception is UnauthorizedAccessException ? "permission denied" : "read error")}");
        }
    }

    private static byte[] ReadBounded(Stream input)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxArgsBytes)
            {
                throw new ArgsFileException($"the arguments on stdin are over the limit of {MaxArgsBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string Decode(byte[] bytes)
    {
        try
        {
            // File.ReadAllText skipped a byte-order mark; so does this.
            var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            // Replacement characters would let garbage pass as a key or value; refuse instead.
            throw new ArgsFileException("the args file is not valid JSON (not UTF-8)");
        }
    }

    private static string Printable(string path) => new([.. path.Take(256).Select(c => char.IsControl(c) ? '?' : c)]);

    private static (JsonObject? Args, string? Error) ParseArgs(string text)
    {
        try
        {
            var node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            if (node is not JsonObject args)
            {
                return (null, "the args file must hold a JSON object");
            }

            // JsonObject reads its properties lazily; touch them now so a duplicate key fails here.
            _ = args.Count;
            return (args, null);
        }
        catch (JsonException exception)
        {
            return (null, $"the args file is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})");
        }
        catch (ArgumentException)
        {
            return (null, "the args file is not valid JSON (a key appears twice)");
        }
    }

    private static bool Flag(JsonObject args, string key) =>
        TypeCoercion.Coerce(args[key], ArgumentType.Bool).Value?.GetValue<bool>() ?? false;

    private static JsonObject Render(ModuleResult result, ModuleContext context)
    {
        var answer = new JsonObject
        {
            ["changed"] = result.Changed,
            ["failed"] = result.Failed,
        };
        if (result.Msg is not null)
        {
            answer["msg"] = OneLine(result.Msg);
        }

        foreach (var (key, value) in result.Values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            answer[key] = value?.DeepClone();
        }

        if (context.DiffMode && result.Diff is { } diff)
        {
            var rendered = new JsonObject { ["before"] = diff.Before?.DeepClone(), ["after"] = diff.After?.DeepClone() };
            if (diff.BeforeHeader is not null)
            {
                rendered["before_header"] = diff.BeforeHeader;
            }

            if (diff.AfterHeader is not null)
            {
                rendered["after_header"] = diff.AfterHeader;
            }

            answer["diff"] = rendered;
        }

        if (!result.Warnings.IsEmpty)
        {
            answer["warnings"] = new JsonArray([.. result.Warnings.Select(w => (JsonNode?)JsonValue.Create(OneLine(w)))]);
        }

        answer["invocation"] = new JsonObject { ["module_args"] = context.Parameters.ToInvocation() };

        // Which native build answered (linux-x64 or linux-arm64): the collection picks one per target.
        answer["module_build"] = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        return answer;
    }

    /// <summary>An answer before the module ran (unreadable args, invalid options, a crash): module_build is always there.</summary>
    private static JsonObject Failure(string message) => new()
    {
        ["failed"] = true,
        ["changed"] = false,
        ["msg"] = OneLine(message),
        ["module_build"] = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier,
    };

    /// <summary>Ansible's no_log: a secret's value never appears in any string of the answer.</summary>
    private static JsonObject Scrub(JsonObject answer, List<string> secrets)
    {
        if (secrets.Count == 0)
        {
            return answer;
        }

        return (JsonObject)ScrubNode(answer, secrets)!;
    }

    private static JsonNode? ScrubNode(JsonNode? node, List<string> secrets) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, ScrubNode(p.Value, secrets)))),
        JsonArray arr => new JsonArray([.. arr.Select(item => ScrubNode(item, secrets))]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String =>
            JsonValue.Create(secrets.Aggregate(value.GetValue<string>(), (text, secret) => text.Replace(secret, "********", StringComparison.Ordinal))),
        _ => node?.DeepClone(),
    };

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The args file cannot be used at all; its message is the task's msg.</summary>
    private sealed class ArgsFileException(string message) : Exception(message)
    {
    }
}
