using System.Diagnostics.CodeAnalysis;
using CommandLine;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Modules.ZfsDatasetPolicy;
using ZfsAnsible.Zfs;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Executables.ZfsDatasetPolicy;

[Verb("probe", HelpText = "Print which ZFS command line this host has and what it supports.")]
internal sealed class ProbeOptions
{
}

internal static class Program
{
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(ProbeOptions))]
    public static int Main(string[] args)
    {
        var runner = new ProcessCommandRunner();
        return ModuleEntryPoint.Main(args, ZfsDatasetPolicyModule.Definition(runner), cliArgs =>
            Parser.Default.ParseArguments<ProbeOptions>(cliArgs).MapResult(
                (ProbeOptions _) =>
                {
                    Console.Out.WriteLine(CapabilityProbe.Probe(runner).Implementation);
                    return 0;
                },
                errors => errors.IsHelp() || errors.IsVersion() ? 0 : 2));
    }
}
