using ZfsAnsible.Domain.BootConfig;

namespace ZfsAnsible.Modules.PiBootConfig;

/// <summary>The PCIe devices the kernel sees, read from sysfs (<c>&lt;root&gt;/bus/pci/devices/*</c>).</summary>
public static class PcieBus
{
    public static string DevicesDirectory(string sysfsRoot) => Path.Join(sysfsRoot, "bus", "pci", "devices");

    public static IReadOnlyList<PcieDevice> Read(string sysfsRoot)
    {
        var directory = DevicesDirectory(sysfsRoot);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return [.. Directory.EnumerateFileSystemEntries(directory)
            .Order(StringComparer.Ordinal)
            .Select(device => new PcieDevice(
                Path.GetFileName(device),
                Attribute(device, "class"),
                Attribute(device, "vendor"),
                Attribute(device, "device"),
                Attribute(device, "current_link_speed"),
                Attribute(device, "max_link_speed"),
                Attribute(device, "current_link_width")))];
    }

    /// <summary>One sysfs attribute, trimmed; null when the device has none (a root bus) or it cannot be read.</summary>
    private static string? Attribute(string device, string name)
    {
        try
        {
            var path = Path.Join(device, name);
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
