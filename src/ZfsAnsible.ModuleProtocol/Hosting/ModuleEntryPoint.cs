namespace ZfsAnsible.ModuleProtocol.Hosting;

/// <summary>
/// One executable, two faces: Ansible calls it with the path of a JSON args file; a person or a
/// systemd timer calls it with verbs and options.
/// </summary>
public static class ModuleEntryPoint
{
    public static int Main(string[] args, ModuleDefinition module, Func<string[], int> cli) => Main(args, [module], cli);

    /// <summary>
    /// An executable that answers several modules (its own, and e.g. zfs_timer, which installs the executable itself):
    /// the task's module name picks one, the first is the default.
    /// </summary>
    public static int Main(string[] args, IEnumerable<ModuleDefinition> modules, Func<string[], int> cli)
    {
        if (IsModuleInvocation(args))
        {
            // Ansible runs modules over "ssh -tt": on that terminal .NET writes set-up codes ("ESC[?1h ESC=",
            // keypad mode from TERM's terminfo) before the first output or child process, and the answer would
            // no longer be pure JSON. Without TERM there is no terminfo to write from; stdout is a raw stream.
            Environment.SetEnvironmentVariable("TERM", null);
            using var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return ModuleRunner.Run(modules, args[0], stdout);
        }

        return cli(args);
    }

    /// <summary>
    /// Ansible passes exactly one argument: the path of its args file. A verb never holds a '/', so one argument
    /// with a '/' is always the module face, even when the file is gone (a cleaned temp dir): that answers as a failed
    /// task, never as a command-line run. "zfs_pool probe" stays a command even beside a file named "probe".
    /// </summary>
    public static bool IsModuleInvocation(string[] args) =>
        args.Length == 1 && args[0].Contains('/', StringComparison.Ordinal) && !args[0].StartsWith('-');
}
