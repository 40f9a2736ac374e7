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

internal static class ZfsDatasetPolicyProgram
{
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(ProbeOptions))]
    public static Applet Applet(ICommandRunner runner) =>
        new("zfs_dataset_policy", () => [ZfsDatasetPolicyModule.Definition(runner)], args => Cli(args, runner));

    private static int Cli(string[] args, ICommandRunner runner)
    {
        return CommandLineFace.Dispatch("zfs_dataset_policy", args, [typeof(ProbeOptions)], _ =>
        {
            Console.Out.WriteLine(CapabilityProbe.Probe(runner).Implementation);
            return 0;
        });
    }
}
