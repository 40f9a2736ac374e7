using System.Text.Json.Nodes;
using ZfsAnsible.Domain.BootConfig;
using ZfsAnsible.ModuleProtocol.Hosting;

namespace ZfsAnsible.Modules.PiBootConfig;

/// <summary>pi_pcie_info: the PCIe devices and their negotiated links; fails when a required kind is missing. Changes nothing.</summary>
public static class PiPcieInfoModule
{
    public static ModuleDefinition Definition() => new(PiBootConfigSpec.InfoModuleName, PiBootConfigSpec.InfoSpec, Execute);

    public static ModuleResult Execute(ModuleContext context)
    {
        var arguments = PiPcieInfoArguments.From(context.Parameters);
        if (arguments.ExpectedGen is { } gen and (< 1 or > 5))
        {
            return ModuleResult.Fail($"expected_gen must be between 1 and 5, got {gen}");
        }

        if (!Path.IsPathFullyQualified(arguments.SysfsRoot))
        {
            return ModuleResult.Fail($"sysfs_root must be an absolute path, got {arguments.SysfsRoot}");
        }

        var required = arguments.Require.Select(r => Enum.Parse<PcieDeviceKind>(r, ignoreCase: true)).Distinct().ToList();
        var report = PcieLinkReport.Check(PcieBus.Read(arguments.SysfsRoot), required, (int?)arguments.ExpectedGen, PcieBus.DevicesDirectory(arguments.SysfsRoot));
        if (!report.IsOk)
        {
            return ModuleResult.Fail(report.Error.Message);
        }

        return new ModuleResult { Msg = report.Value.Summary, Warnings = report.Value.Warnings }
            .With("devices", new JsonArray([.. report.Value.Devices.Select(Report)]));
    }

    public static JsonNode Report(PcieDevice device) => new JsonObject
    {
        ["address"] = device.Address,
        ["kind"] = device.Kind.ToString().ToLowerInvariant(),
        ["class"] = device.Class,
        ["vendor"] = device.Vendor,
        ["device"] = device.Device,
        ["current_link_speed"] = device.CurrentLinkSpeed,
        ["current_gen"] = device.CurrentGen,
        ["max_link_speed"] = device.MaxLinkSpeed,
        ["max_gen"] = device.MaxGen,
        ["link_width"] = device.LinkWidth,
    };
}
