namespace ZfsAnsible.Modules.Installation;

/// <summary>
/// This executable, installed on the host for what runs without Ansible (a timer, an ssh forced command): the binary
/// Ansible uploaded for the task copies itself to a fixed path, replaced only when its bytes differ.
/// </summary>
public static class InstalledProgram
{
    public const string Directory = "/usr/local/lib/zfsansible";

    private static readonly UnixFileMode Executable = (UnixFileMode)Convert.ToInt32("755", 8);

    /// <summary>The running executable's own file (/proc/self/exe), or null where it cannot be found.</summary>
    public static string? Self => Environment.ProcessPath is { } path && File.Exists(path) ? path : null;

    /// <summary>Where <paramref name="program"/> is installed.</summary>
    public static string PathOf(string program) => $"{Directory}/{program}";

    /// <summary>Whether <paramref name="path"/> must change (and, unless in check mode, makes it hold <paramref name="self"/>).</summary>
    public static bool Ensure(string self, string path, bool checkMode)
    {
        var state = HostFiles.Inspect(path, self, Executable);
        if (state.Changes && !checkMode)
        {
            HostFiles.Copy(self, path, Executable);
        }

        return state.Changes;
    }
}
