using ZfsAnsible.Executables.PiBootConfig;
using ZfsAnsible.Executables.ZfsDatasetPolicy;
using ZfsAnsible.Executables.ZfsPolicy;
using ZfsAnsible.Executables.ZfsPool;
using ZfsAnsible.Executables.ZfsReplicate;
using ZfsAnsible.Executables.ZfsSnapshotPrune;
using System.Text.Json.Nodes;
using ZfsAnsible.ModuleProtocol.Arguments;
using ZfsAnsible.ModuleProtocol.Hosting;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Executables;

/// <summary>
/// zfsansible, a multi-call executable (like busybox): called as zfs_pool (a link, or the copy zfs_timer installs as
/// /usr/local/lib/zfsansible/zfs_replicate) it is that program; called by its own name, the first argument names the
/// program. Ansible's args file picks the module itself (_ansible_module_name), whatever the file is called.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var runner = new ProcessCommandRunner();
        IReadOnlyList<Applet> applets =
        [
            ZfsPoolProgram.Applet(runner),
            ZfsDatasetPolicyProgram.Applet(runner),
            ZfsSnapshotPruneProgram.Applet(runner),
            ZfsReplicateProgram.Applet(runner),
            PiBootConfigProgram.Applet(),
            ZfsPolicyProgram.Applet(),
        ];
        var applet = MultiCall.Find(applets, MultiCall.ProgramName(Environment.GetCommandLineArgs()[0]));
        if (applet is null && !ModuleEntryPoint.IsModuleInvocation(args))
        {
            if (args is ["--argument-specs"])
            {
                Console.Out.WriteLine(ArgumentSpecs(applets).ToJsonString());
                return 0;
            }

            if (args is ["--help" or "-h"])
            {
                Console.Out.WriteLine(MultiCall.Usage(applets, null));
                return 0;
            }

            applet = args.Length > 0 ? MultiCall.Find(applets, args[0]) : null;
            if (applet is null)
            {
                Console.Error.WriteLine(MultiCall.Usage(applets, args.FirstOrDefault() ?? string.Empty));
                return 2;
            }

            args = args[1..];
        }

        if (applet is not null && (!ModuleEntryPoint.IsModuleInvocation(args) || applet.Modules.Count == 0))
        {
            return applet.Cli(args); // a command line; or not a module (zfs-policy), where a path is a stray word like any other
        }

        // The program's own modules first: the default for an args file that names no module. Lazy: the other
        // programs' modules are made only when the task names one of them.
        var modules = (applet?.Modules ?? []).Concat(applets.SelectMany(a => a.Modules)).Distinct();
        return ModuleEntryPoint.Main(args, modules, applet is null ? _ => 2 : applet.Cli);
    }

    /// <summary>Every module's options as ansible-core's argument_spec, by module name: what the docs and roles are checked against.</summary>
    private static JsonObject ArgumentSpecs(IReadOnlyList<Applet> applets)
    {
        var specs = new JsonObject();
        foreach (var module in applets.SelectMany(a => a.Modules).GroupBy(m => m.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            specs[module.Key] = ArgumentSpecJson.Common([.. module.Select(m => m.Spec)]);
        }

        return specs;
    }
}
