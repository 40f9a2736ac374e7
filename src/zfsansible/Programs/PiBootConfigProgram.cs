using System.Diagnostics.CodeAnalysis;
using CommandLine;
using Microsoft.Extensions.Logging;
using ZfsAnsible.Domain.BootConfig;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Modules.PiBootConfig;

namespace ZfsAnsible.Executables.PiBootConfig;

[Verb("show", HelpText = "Print the settings of config.txt the firmware reads: line, section, setting. Changes nothing.")]
internal sealed class ShowOptions
{
    [Option('p', "path", HelpText = "The config.txt to read. Default: /boot/firmware/config.txt, else /boot/config.txt.")]
    public string? Path { get; set; }

    [Option('s', "section", HelpText = "Only this conditional section (all, pi5, cm4, ...).")]
    public string? Section { get; set; }
}

[Verb("pcie", HelpText = "Print the PCIe devices with their negotiated link speed and generation. Changes nothing.")]
internal sealed class PcieOptions
{
    [Option("sysfs-root", Default = "/sys", HelpText = "Where sysfs is mounted.")]
    public string SysfsRoot { get; set; } = "/sys";
}

internal static class PiBootConfigProgram
{
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(ShowOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(PcieOptions))]
    public static Applet Applet() =>
        new("pi_boot_config", () => [PiBootConfigModule.Definition(TimeProvider.System), PiPcieInfoModule.Definition()], Cli);

    /// <summary>Without an args file the module is a plain command, for a person at the Pi.</summary>
    private static int Cli(string[] args)
    {
        using var logging = CommandLineFace.StderrLogging();
        var log = logging.CreateLogger("pi_boot_config");
        return CommandLineFace.Dispatch("pi_boot_config", args, [typeof(ShowOptions), typeof(PcieOptions)], options => options switch
        {
            ShowOptions show => Show(show, log),
            _ => Pcie((PcieOptions)options),
        });
    }

    private static int Show(ShowOptions options, ILogger log)
    {
        string? filter = null;
        if (options.Section is not null)
        {
            var section = BootConfigNames.Filter(options.Section);
            if (!section.IsOk)
            {
                log.LogError("{Reason}", section.Error.Message);
                return 2;
            }

            filter = section.Value;
        }

        var located = BootConfigFile.Locate(options.Path);
        if (!located.IsOk)
        {
            log.LogError("{Reason}", located.Error.Message);
            return 1;
        }

        var config = located.Value.File.Config;
        var filters = config.FilterAt();
        for (var i = 0; i < config.Lines.Length; i++)
        {
            var line = config.Lines[i];
            if (line.Kind is ConfigLineKind.Entry or ConfigLineKind.Other && (filter is null || string.Equals(filters[i], filter, StringComparison.OrdinalIgnoreCase)))
            {
                Console.Out.WriteLine($"{i + 1}\t[{filters[i]}]\t{line.Effective}");
            }
        }

        return 0;
    }

    private static int Pcie(PcieOptions options)
    {
        foreach (var device in PcieBus.Read(options.SysfsRoot))
        {
            var gen = device.CurrentGen is { } g ? $" (gen {g})" : string.Empty;
            var max = device.MaxLinkSpeed is { } m ? $", max {m}" : string.Empty;
            var width = device.LinkWidth is { } w ? $", x{w}" : string.Empty;
            Console.Out.WriteLine($"{device}{gen}{max}{width}");
        }

        return 0;
    }
}
