namespace ZfsAnsible.ModuleProtocol.Hosting;

/// <summary>
/// One executable, two faces: Ansible calls it with the path of a JSON args file; a person or a
/// systemd timer calls it with verbs and options.
/// </summary>
public static class ModuleEntryPoint
{
    public static int Main(string[] args, ModuleDefinition module, Func<string[], int> cli)
    {
        if (IsModuleInvocation(args))
        {
            return ModuleRunner.Run(module, args[0], Console.Out);
        }

        return cli(args);
    }

    /// <summary>
    /// Ansible passes exactly one argument: the path of an existing file ("args" in its temp dir). A verb
    /// never holds a '/', so "zfs_pool probe" stays a command even beside a file named "probe".
    /// </summary>
    public static bool IsModuleInvocation(string[] args) =>
        args.Length == 1 && args[0].Contains('/', StringComparison.Ordinal) && !args[0].StartsWith('-') && File.Exists(args[0]);
}
