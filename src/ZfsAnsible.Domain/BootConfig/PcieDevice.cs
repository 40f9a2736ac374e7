using System.Collections.Immutable;

namespace ZfsAnsible.Domain.BootConfig;

/// <summary>What a PCIe device is, by its PCI class (base class and subclass).</summary>
public enum PcieDeviceKind
{
    Sata,
    Nvme,
    Usb,
    Ethernet,
    Bridge,

    /// <summary>Raspberry Pi's own RP1 I/O chip (vendor 0x1de4) on the Pi 5's internal link: never a HAT's device.</summary>
    Internal,
    Other,
}

/// <summary>
/// One device of /sys/bus/pci/devices as sysfs describes it: address ("0000:01:00.0"), class ("0x010601"),
/// vendor and device ids, and the link speeds ("8.0 GT/s PCIe") and width it negotiated.
/// </summary>
public sealed record PcieDevice(string Address, string? Class, string? Vendor, string? Device, string? CurrentLinkSpeed, string? MaxLinkSpeed, string? LinkWidth)
{
    public const string RaspberryPiVendor = "0x1de4";

    public PcieDeviceKind Kind => Vendor == RaspberryPiVendor ? PcieDeviceKind.Internal : Class?.Length >= 6 ? Class[..6].ToLowerInvariant() switch
    {
        "0x0106" => PcieDeviceKind.Sata,
        "0x0108" => PcieDeviceKind.Nvme,
        "0x0c03" => PcieDeviceKind.Usb,
        "0x0200" => PcieDeviceKind.Ethernet,
        "0x0604" => PcieDeviceKind.Bridge,
        _ => PcieDeviceKind.Other,
    } : PcieDeviceKind.Other;

    public int? CurrentGen => PcieLinkSpeed.Generation(CurrentLinkSpeed);

    public int? MaxGen => PcieLinkSpeed.Generation(MaxLinkSpeed);

    public override string ToString() => $"{Address} ({Kind.ToString().ToLowerInvariant()} {Vendor?.Replace("0x", string.Empty, StringComparison.Ordinal)}:{Device?.Replace("0x", string.Empty, StringComparison.Ordinal)}) at {CurrentLinkSpeed ?? "an unknown speed"}";
}

/// <summary>What the bus says against what was asked: the required kinds must be there, at the generation asked.</summary>
public sealed record PcieLinkReport(ImmutableArray<PcieDevice> Devices, ImmutableArray<string> Warnings, string Summary)
{
    public static Result<PcieLinkReport> Check(IReadOnlyList<PcieDevice> devices, IReadOnlyCollection<PcieDeviceKind> required, int? expectedGen, string where)
    {
        var missing = required.Where(kind => devices.All(d => d.Kind != kind)).Select(Word).ToList();
        if (missing.Count > 0)
        {
            return Result<PcieLinkReport>.Fail(
                $"no {string.Join(" or ", missing)} on the PCIe bus ({where} lists {(devices.Count == 0 ? "no devices" : string.Join(", ", devices))}): is the HAT's cable seated, and has the board rebooted since config.txt enabled PCIe?");
        }

        var checkedDevices = devices.Where(d => required.Contains(d.Kind)).ToList();
        var warnings = expectedGen is { } gen
            ? checkedDevices.Where(d => d.CurrentGen is null || d.CurrentGen < gen)
                .Select(d => $"{d} negotiated {(d.CurrentGen is { } g ? $"gen {g}" : "an unknown generation")}, lower than the gen {gen} asked: check the cable, or set gen {gen - 1} if the link is unstable at gen {gen}")
                .ToImmutableArray()
            : [];
        var summary = checkedDevices.Count > 0
            ? string.Join("; ", checkedDevices.Select(d => $"{d}{(d.CurrentGen is { } g ? $" (gen {g})" : string.Empty)}"))
            : $"{devices.Count} PCIe devices";
        return new PcieLinkReport([.. devices], warnings, summary);
    }

    private static string Word(PcieDeviceKind kind) => kind switch
    {
        PcieDeviceKind.Sata => "SATA controller",
        PcieDeviceKind.Nvme => "NVMe drive",
        PcieDeviceKind.Usb => "USB controller",
        PcieDeviceKind.Ethernet => "Ethernet controller",
        _ => kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>A PCIe link speed as sysfs words it ("8.0 GT/s PCIe"), and the generation it is.</summary>
public static class PcieLinkSpeed
{
    /// <summary>2.5, 5, 8, 16 and 32 GT/s are generations 1 to 5; anything else (or "Unknown") is null.</summary>
    public static int? Generation(string? speed)
    {
        var number = speed?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return number switch
        {
            "2.5" => 1,
            "5.0" or "5" => 2,
            "8.0" or "8" => 3,
            "16.0" or "16" => 4,
            "32.0" or "32" => 5,
            _ => null,
        };
    }
}
