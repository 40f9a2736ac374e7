using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.PiBootConfig;

/// <summary>Whether a setting must be in the section or must not.</summary>
public enum BootSettingState
{
    Present,
    Absent,
}

/// <summary>pi_boot_config's and pi_pcie_info's options; ansible/plugins/modules/pi_boot_config.py and pi_pcie_info.py document the same specs.</summary>
public static class PiBootConfigSpec
{
    public const string ModuleName = "pi_boot_config";

    public const string InfoModuleName = "pi_pcie_info";

    public const string DefaultModelPath = "/proc/device-tree/model";

    public static ArgumentSpec Setting { get; } = ArgumentSpec.Of(
        ("dtparam", Option.Str()),
        ("dtoverlay", Option.Str()),
        ("key", Option.Str()),
        ("value", new OptionSpec(ArgumentType.Raw)),
        ("params", Option.Dict()),
        ("state", Option.Choice(BootSettingState.Present)))
        .WithMutuallyExclusive("dtparam", "dtoverlay", "key")
        .WithRequiredOneOf("dtparam", "dtoverlay", "key");

    public static ArgumentSpec Spec { get; } = ArgumentSpec.Of(
        ("settings", Option.ListOf(Setting, required: true)),
        ("section", Option.Str(@default: Domain.BootConfig.ConfigTxt.All)),
        ("path", Option.Path()),
        ("model_path", Option.Path(@default: DefaultModelPath)),
        ("backup", Option.Bool()),
        ("force", Option.Bool()),
        ("reboot_marker", Option.Path(@default: RebootMarker.DefaultPath)));

    /// <summary>The device kinds pi_pcie_info can require, by PCI class.</summary>
    public static ArgumentSpec InfoSpec { get; } = ArgumentSpec.Of(
        ("sysfs_root", Option.Path(@default: "/sys")),
        ("require", Option.List() with { Choices = [.. Enum.GetValues<Domain.BootConfig.PcieDeviceKind>().Where(k => k is not (Domain.BootConfig.PcieDeviceKind.Bridge or Domain.BootConfig.PcieDeviceKind.Internal or Domain.BootConfig.PcieDeviceKind.Other)).Select(k => k.ToString().ToLowerInvariant())] }),
        ("expected_gen", Option.Int()));
}
