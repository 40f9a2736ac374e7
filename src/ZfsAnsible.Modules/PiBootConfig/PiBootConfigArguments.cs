using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.BootConfig;
using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.PiBootConfig;

/// <summary>One entry of settings, as written: one of dtparam, dtoverlay or key.</summary>
public sealed record BootSettingArguments(string? Dtparam, string? Dtoverlay, string? Key, JsonNode? Value, JsonObject Params, BootSettingState State);

/// <summary>pi_boot_config's options, typed (bound once from the validated parameters).</summary>
public sealed record PiBootConfigArguments(ImmutableArray<BootSettingArguments> Settings, string Section, string? Path, string ModelPath, bool Backup, bool Force, string RebootMarker)
{
    public static PiBootConfigArguments From(ModuleParameters parameters) => parameters.Bind(ModuleArgumentsJson.Default.PiBootConfigArguments);

    /// <summary>The section filter and the declared settings, every problem reported at once.</summary>
    public Result<(string Filter, ImmutableArray<BootSetting> Settings)> Read()
    {
        var problems = new List<string>();
        var filter = BootConfigNames.Filter(Section);
        if (!filter.IsOk)
        {
            problems.Add(filter.Error.Message);
        }

        if (Path is { } path && !System.IO.Path.IsPathFullyQualified(path))
        {
            problems.Add($"path must be an absolute path, got {path}");
        }

        foreach (var (name, value) in new[] { ("model_path", ModelPath), ("reboot_marker", RebootMarker) })
        {
            if (!System.IO.Path.IsPathFullyQualified(value))
            {
                problems.Add($"{name} must be an absolute path, got {value}");
            }
        }

        if (Settings.IsEmpty)
        {
            problems.Add("settings is empty: give at least one dtparam, dtoverlay or key");
        }

        var settings = new List<BootSetting>();
        for (var i = 0; i < Settings.Length; i++)
        {
            var read = ReadSetting(Settings[i], $"settings[{i}]");
            if (!read.IsOk)
            {
                problems.Add(read.Error.Message);
                continue;
            }

            problems.AddRange(BootConfigNames.Problems(read.Value, $"settings[{i}]"));
            if (settings.FindIndex(s => s.Kind == read.Value.Kind && s.Name == read.Value.Name) is var twice and >= 0)
            {
                problems.Add($"settings[{twice}] and settings[{i}] both declare {read.Value.LineKey} {read.Value.Name}: one entry per setting");
            }

            settings.Add(read.Value);
        }

        return Result.From(problems, () => (filter.Value, settings.ToImmutableArray()));
    }

    private static Result<BootSetting> ReadSetting(BootSettingArguments entry, string where)
    {
        var present = entry.State == BootSettingState.Present;
        if (entry.Dtparam is { } dtparam)
        {
            if (entry.Params.Count > 0)
            {
                return Result<BootSetting>.Fail($"{where}: params belong to a dtoverlay; a dtparam takes value");
            }

            return Text(entry.Value, $"{where}: value", boolean: ("on", "off")).Map(value => BootSetting.DtParam(dtparam, value, present));
        }

        if (entry.Dtoverlay is { } dtoverlay)
        {
            if (entry.Value is not null)
            {
                return Result<BootSetting>.Fail($"{where}: a dtoverlay takes params (a dict), not value");
            }

            var parameters = new List<OverlayParam>();
            foreach (var (name, raw) in entry.Params)
            {
                var value = Text(raw, $"{where}: params.{name}", boolean: ("on", "off"));
                if (!value.IsOk)
                {
                    return value.Error;
                }

                parameters.Add(new OverlayParam(name, value.Value));
            }

            return BootSetting.DtOverlay(dtoverlay, parameters, present);
        }

        if (entry.Key is { } key)
        {
            if (entry.Params.Count > 0)
            {
                return Result<BootSetting>.Fail($"{where}: params belong to a dtoverlay; a key takes value");
            }

            var value = Text(entry.Value, $"{where}: value", boolean: ("1", "0"));
            if (!value.IsOk)
            {
                return value.Error;
            }

            return value.Value is null && present
                ? Result<BootSetting>.Fail($"{where}: key {key} needs a value")
                : BootSetting.Key(key, value.Value, present);
        }

        return Result<BootSetting>.Fail($"{where}: give one of dtparam, dtoverlay or key");
    }

    /// <summary>A value as the file writes it: text as given, a number as its digits, a boolean in the words of the line.</summary>
    private static Result<string?> Text(JsonNode? node, string what, (string True, string False) boolean) => node switch
    {
        null => Result<string?>.Ok(null),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => boolean.True,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => boolean.False,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var whole) => whole.ToString(CultureInfo.InvariantCulture),
        _ => Result<string?>.Fail($"{what} must be a string, a whole number or a boolean, got {TypeCoercion.KindOf(node)}"),
    };
}

/// <summary>pi_pcie_info's options, typed.</summary>
public sealed record PiPcieInfoArguments(string SysfsRoot, ImmutableArray<string> Require, long? ExpectedGen)
{
    public static PiPcieInfoArguments From(ModuleParameters parameters) => parameters.Bind(ModuleArgumentsJson.Default.PiPcieInfoArguments);
}
