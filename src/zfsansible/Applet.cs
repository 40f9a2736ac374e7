using ZfsAnsible.ModuleProtocol.Hosting;

namespace ZfsAnsible.Executables;

/// <summary>
/// One program of the multi-call executable: the name it is called by (a link's name, or the first argument), the
/// Ansible modules it answers (the first is its own), and its command line for people and timers. The modules are
/// made only when asked for: a command line, or another program's module, never pays for building every option spec.
/// </summary>
internal sealed class Applet(string name, Func<IReadOnlyList<ModuleDefinition>> modules, Func<string[], int> cli)
{
    private readonly Lazy<IReadOnlyList<ModuleDefinition>> _modules = new(modules);

    public string Name => name;

    public IReadOnlyList<ModuleDefinition> Modules => _modules.Value;

    public Func<string[], int> Cli => cli;
}
