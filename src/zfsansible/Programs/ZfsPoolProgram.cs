using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using CommandLine;
using Microsoft.Extensions.Logging;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Modules.ZfsFacts;
using ZfsAnsible.Modules.ZfsPool;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Executables.ZfsPool;

[Verb("facts", HelpText = "Print the facts of an imported pool as JSON (health, sizes, vdevs).")]
internal sealed class FactsOptions
{
    [Option('n', "name", Required = true, HelpText = "Pool name.")]
    public string Name { get; set; } = string.Empty;
}

[Verb("probe", HelpText = "Print which ZFS command line this host has and what it supports.")]
internal sealed class ProbeOptions
{
}

internal static class ZfsPoolProgram
{
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(FactsOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(ProbeOptions))]
    public static Applet Applet(ICommandRunner runner) =>
        new("zfs_pool", () => [ZfsPoolModule.Definition(runner), ZfsFactsModule.Definition(runner)], args => Cli(args, runner));

    /// <summary>Without an args file the module is a plain command, for people and timers.</summary>
    private static int Cli(string[] args, ICommandRunner runner)
    {
        using var logging = CommandLineFace.StderrLogging();
        var log = logging.CreateLogger("zfs_pool");
        return CommandLineFace.Dispatch("zfs_pool", args, [typeof(FactsOptions), typeof(ProbeOptions)], options => options switch
        {
            FactsOptions facts => Facts(facts, runner, log),
            _ => Probe(runner),
        });
    }

    private static int Facts(FactsOptions options, ICommandRunner runner, ILogger log)
    {
        if (ZfsAnsible.Domain.Naming.ZfsNames.CheckPoolName(options.Name) is { } invalid)
        {
            log.LogError("{Reason}", invalid.Message);
            return 2;
        }

        var facts = PoolFacts.Read(new Zpool(runner, CapabilityProbe.Probe(runner)), PoolDeclaration.Named(options.Name));
        if (!facts.IsOk)
        {
            log.LogError("{Reason}", facts.Error.Message);
            return 1;
        }

        Console.Out.WriteLine(JsonSerializer.Serialize(facts.Value, ZfsPoolCliJson.Default.PoolFacts));
        return 0;
    }

    private static int Probe(ICommandRunner runner)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(CapabilityProbe.Probe(runner), ZfsPoolCliJson.Default.ZfsCapabilities));
        return 0;
    }
}
