using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZfsAnsible.ModuleProtocol.Arguments;

/// <summary>
/// A module's options saved as a JSON object (what zfs_timer writes for a systemd unit), read back and validated by
/// the same spec as the module's, so the timer runs with exactly the options the task declared.
/// </summary>
public static class OptionsFile
{
    public const int MaxBytes = 1024 * 1024;

    public static (ModuleParameters? Parameters, string? Error) Read(string path, ArgumentSpec spec, string moduleName)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return (null, $"the options file {path} does not exist");
            }

            if (info.Length > MaxBytes)
            {
                return (null, $"the options file {path} is {info.Length} bytes; the limit is {MaxBytes}");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read the options file {path}: {(exception is UnauthorizedAccessException ? "permission denied" : "read error")}");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            _ = (node as JsonObject)?.Count;
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException)
        {
            return (null, $"the options file {path} is not valid JSON");
        }

        if (node is not JsonObject options)
        {
            return (null, $"the options file {path} must hold a JSON object of {moduleName}'s options");
        }

        var validation = ArgumentSpecValidator.Validate(options, spec, moduleName);
        return validation.IsValid ? (validation.Parameters, null) : (null, $"{path}: {validation.Message}");
    }
}
