namespace ZfsAnsible.Testing;

/// <summary>
/// A Raspberry Pi 5 as pi_boot_config and pi_pcie_info see it, in a temporary directory: the boot partition with a
/// fresh image's config.txt (bookworm's stock file), the device tree's model string, and a sysfs holding the PCIe
/// connector's bridge and the Pi's own RP1 chip on its internal link. <see cref="Reboot"/> is what a reboot with PCIe
/// enabled does: /run is emptied (the pending-reboot marker goes) and the HAT's SATA controller appears.
/// </summary>
public sealed class FakeRaspberryPi : IDisposable
{
    public static string StockConfigPath { get; } = Path.Combine(Repository.Root, "tests", "ZfsAnsible.Domain.Tests", "BootConfig", "files", "bookworm-stock.txt");

    public FakeRaspberryPi(string model = "Raspberry Pi 5 Model B Rev 1.0")
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        File.Copy(StockConfigPath, ConfigPath);
        Directory.CreateDirectory(Path.GetDirectoryName(ModelPath)!);
        File.WriteAllText(ModelPath, model + "\0");
        Device("0000:00:00.0", ("class", "0x060400"), ("vendor", "0x14e4"), ("device", "0x2712"));
        Device("0001:00:00.0", ("class", "0x060400"), ("vendor", "0x14e4"), ("device", "0x2712"), ("current_link_speed", "5.0 GT/s PCIe"), ("current_link_width", "4"));
        Device("0001:01:00.0", ("class", "0x020000"), ("vendor", "0x1de4"), ("device", "0x0001"), ("current_link_speed", "5.0 GT/s PCIe"), ("current_link_width", "4"));
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("zfsansible-pi-").FullName;

    public string ConfigPath => Path.Combine(Root, "boot", "firmware", "config.txt");

    public string ModelPath => Path.Combine(Root, "proc", "device-tree", "model");

    public string SysfsRoot => Path.Combine(Root, "sys");

    /// <summary>The module's record of a change not booted yet (on a Pi: under /run, a tmpfs).</summary>
    public string MarkerPath => Path.Combine(Root, "run", "zfsansible", "reboot-required");

    public static string Stock => File.ReadAllText(StockConfigPath);

    public string Config => File.ReadAllText(ConfigPath);

    /// <summary>After a reboot with PCIe enabled: the JMB585 SATA controller of a Radxa Penta SATA HAT, at this link speed.</summary>
    public void Reboot(string linkSpeed = "8.0 GT/s PCIe")
    {
        if (File.Exists(MarkerPath))
        {
            File.Delete(MarkerPath);
        }

        Device("0000:01:00.0", ("class", "0x010601"), ("vendor", "0x197b"), ("device", "0x0585"), ("current_link_speed", linkSpeed), ("max_link_speed", "8.0 GT/s PCIe"), ("current_link_width", "1"));
    }

    /// <summary>The files of the boot partition's directory: config.txt, and any backup or leftover beside it.</summary>
    public IReadOnlyList<string> BootFiles => [.. Directory.GetFiles(Path.GetDirectoryName(ConfigPath)!).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private void Device(string address, params (string Name, string Value)[] attributes)
    {
        var directory = Path.Combine(SysfsRoot, "bus", "pci", "devices", address);
        Directory.CreateDirectory(directory);
        foreach (var (name, value) in attributes)
        {
            File.WriteAllText(Path.Combine(directory, name), value + "\n");
        }
    }
}
