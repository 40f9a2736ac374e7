namespace ZfsAnsible.Domain.BootConfig;

/// <summary>The board as /proc/device-tree/model names it ("Raspberry Pi 5 Model B Rev 1.0"), or unknown (null).</summary>
public sealed record BoardModel(string? Name)
{
    /// <summary>The device tree's string ends in a NUL; a missing file is an unknown board.</summary>
    public static BoardModel FromDeviceTree(string? text) => new(text?.TrimEnd('\0', '\n', ' ') is { Length: > 0 } name ? name : null);

    /// <summary>The boards with the external PCIe connector that dtparam=pciex1 drives: Raspberry Pi 5 and Compute Module 5.</summary>
    public bool HasExternalPcie => Name is { } name
        && (name.StartsWith("Raspberry Pi 5 ", StringComparison.Ordinal) || name.StartsWith("Raspberry Pi Compute Module 5", StringComparison.Ordinal));

    /// <summary>The PCIe connector's parameters (pciex1, pciex1_gen, pciex1_no_l0s, ...) mean something only there.</summary>
    public static bool IsPcieSetting(BootSetting setting) =>
        setting.Kind == BootSettingKind.DtParam && setting.Name.StartsWith("pciex1", StringComparison.Ordinal);

    /// <summary>Refuses PCIe settings on another board: on a Pi 4 they do nothing, on an unknown board they are a mistake.</summary>
    public Error? Refuses(IEnumerable<BootSetting> settings, string modelPath)
    {
        var pcie = settings.Where(s => s.Present && IsPcieSetting(s)).Select(s => s.ToString()).ToList();
        if (pcie.Count == 0 || HasExternalPcie)
        {
            return null;
        }

        var board = Name is null ? $"the board is unknown ({modelPath} cannot be read)" : $"this board is a {Name}";
        return new Error($"{string.Join(" and ", pcie)} {(pcie.Count == 1 ? "drives" : "drive")} the external PCIe connector of a Raspberry Pi 5, but {board}; set force: true to write them anyway");
    }
}
