using System.Text.Json.Nodes;

namespace ZfsAnsible.Testing;

/// <summary>A published module binary run the way Ansible runs it: one argument, the path of a JSON args file.</summary>
public sealed class NativeModule(string name, string rid)
{
    public string Name => name;

    public string Rid => rid;

    public override string ToString() => $"{name} ({rid})";

    /// <summary>Runs with raw args-file bytes (malformed input included); arm64 goes through qemu-user.</summary>
    public ProcessOutcome RunRaw(byte[] argsFile, params string[] extraArguments)
    {
        var path = Path.Combine(Path.GetTempPath(), $"zfsansible-args-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, argsFile);
        try
        {
            return Run([path, .. extraArguments]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Runs with the arguments on stdin, as the collection's action plugin passes them when it can.</summary>
    public ProcessOutcome RunOnStdin(byte[] args) => Run(args, ["/dev/stdin"]);

    public ProcessOutcome Run(params string[] arguments) => Run(null, arguments);

    private ProcessOutcome Run(byte[]? input, string[] arguments)
    {
        var binary = Repository.Executable(name, rid);
        return rid == "linux-arm64"
            ? Processes.Run("qemu-aarch64-static", [binary, .. arguments], input: input)
            : Processes.Run(binary, arguments, input: input);
    }

    /// <summary>Runs with a JSON object as args and returns the one object it must answer.</summary>
    public JsonObject Call(JsonObject args)
    {
        var outcome = RunRaw(System.Text.Encoding.UTF8.GetBytes(args.ToJsonString()));
        return ParseAnswer(outcome);
    }

    /// <summary>stdout must be exactly one JSON object and nothing else.</summary>
    public static JsonObject ParseAnswer(ProcessOutcome outcome)
    {
        var text = outcome.StandardOutput;
        if (text.Trim().Split('\n').Length != 1)
        {
            throw new InvalidOperationException($"module stdout is not one line: {outcome}");
        }

        return JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException($"module stdout is not a JSON object: {outcome}");
    }
}
