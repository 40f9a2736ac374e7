using System.Globalization;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain.BootConfig;
using ZfsAnsible.ModuleProtocol.Hosting;

namespace ZfsAnsible.Modules.PiBootConfig;

/// <summary>pi_boot_config: read config.txt, plan the settings with <see cref="BootConfigEditor"/>, replace the file (unless check mode), report.</summary>
public static class PiBootConfigModule
{
    public static ModuleDefinition Definition(TimeProvider clock) =>
        new(PiBootConfigSpec.ModuleName, PiBootConfigSpec.Spec, context => Execute(context, clock));

    public static ModuleResult Execute(ModuleContext context, TimeProvider clock)
    {
        var arguments = PiBootConfigArguments.From(context.Parameters);
        var declared = arguments.Read();
        if (!declared.IsOk)
        {
            return ModuleResult.Fail(declared.Error.Message);
        }

        var (filter, settings) = declared.Value;
        var board = BoardModel.FromDeviceTree(ReadModel(arguments.ModelPath));
        if (!arguments.Force && board.Refuses(settings, arguments.ModelPath) is { } refused)
        {
            return ModuleResult.Fail(refused.Message);
        }

        var located = BootConfigFile.Locate(arguments.Path);
        if (!located.IsOk)
        {
            return ModuleResult.Fail(located.Error.Message);
        }

        var (path, file, note) = located.Value;
        var planned = BootConfigEditor.Plan(file.Config, filter, settings);
        if (!planned.IsOk)
        {
            return ModuleResult.Fail(planned.Error.Message);
        }

        var edit = planned.Value;
        var warnings = note is null ? edit.Warnings : edit.Warnings.Add(note);
        string? backup = null;
        if (edit.Changed && !context.CheckMode)
        {
            var now = clock.GetUtcNow();
            var suffix = arguments.Backup ? now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + $".{Environment.ProcessId}.bak" : null;
            var replaced = BootConfigFile.Replace(path, edit.After, file.Encoding, suffix);
            if (!replaced.IsOk)
            {
                return ModuleResult.Fail(replaced.Error.Message);
            }

            backup = replaced.Value;
            if (edit.RebootRequired && RebootMarker.Record(arguments.RebootMarker, $"{now:O} {path}: {string.Join("; ", edit.Changes)}") is { } unrecorded)
            {
                warnings = warnings.Add(unrecorded);
            }
        }

        var pending = RebootMarker.IsPending(arguments.RebootMarker) || (context.CheckMode && edit.RebootRequired);
        var result = new ModuleResult
        {
            Changed = edit.Changed,
            Msg = Message(edit, path, filter, context.CheckMode, pending, arguments.RebootMarker),
            Diff = new ModuleDiff(edit.Before.Render(), edit.After.Render()) { BeforeHeader = $"{path} (before)", AfterHeader = $"{path} (after)" },
            Warnings = warnings,
        }
            .With("path", path)
            .With("board_model", board.Name)
            .With("reboot_required", edit.RebootRequired)
            .With("reboot_pending", pending)
            .With("changes", new JsonArray([.. edit.Changes.Select(c => (JsonNode?)c)]))
            .With("settings", new JsonArray([.. edit.Settings.Select(Report)]));
        return backup is null ? result : result.With("backup_file", backup);
    }

    private static string Message(BootConfigEdit edit, string path, string filter, bool checkMode, bool pending, string marker)
    {
        if (!edit.Changed)
        {
            var still = pending ? $"; a reboot is still pending for an earlier change (recorded in {marker})" : string.Empty;
            return $"{path} is already as declared ({edit.Settings.Length} setting{(edit.Settings.Length == 1 ? string.Empty : "s")} in [{filter}]){still}";
        }

        var reboot = edit.RebootRequired ? "; a reboot is required for it to take effect" : string.Empty;
        return $"{(checkMode ? "would have " : string.Empty)}{string.Join("; ", edit.Changes)} in {path}{reboot}";
    }

    private static JsonNode Report(SettingState state) => new JsonObject
    {
        ["kind"] = state.Setting.Kind.ToString().ToLowerInvariant(),
        ["name"] = state.Setting.Name,
        ["value"] = state.Setting.Value,
        ["params"] = new JsonObject(state.Setting.Params.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)p.Value))),
        ["state"] = state.Setting.Present ? "present" : "absent",
        ["section"] = state.Section,
        ["line"] = state.Line,
        ["text"] = state.Setting.Present ? state.Setting.ToString() : null,
    };

    /// <summary>The device tree's model string; null where there is none (not a Pi, or no device tree).</summary>
    private static string? ReadModel(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
