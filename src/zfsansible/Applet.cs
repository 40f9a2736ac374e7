using ZfsAnsible.ModuleProtocol.Hosting;

namespace ZfsAnsible.Executables;

/// <summary>
/// One program of the multi-call executable: the name it is called by (a link's name, or the first argument), the
/// Ansible modules it answers (the first is its own), and its command line for people and timers.
/// </summary>
internal sealed record Applet(string Name, IReadOnlyList<ModuleDefinition> Modules, Func<string[], int> Cli);
