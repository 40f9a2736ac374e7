using System.Text.RegularExpressions;

namespace ZfsAnsible.Executables;

/// <summary>How the multi-call executable tells which program it was called as.</summary>
internal static partial class MultiCall
{
    /// <summary>
    /// The program a path names: its file name without the collection's architecture suffix (plugins/modules/
    /// zfs_pool_x86_64) or the target cache's content hash (zfsansible_aarch64-0123abcd...).
    /// </summary>
    public static string ProgramName(string path) => Suffixes().Replace(Path.GetFileName(path), string.Empty);

    public static Applet? Find(IReadOnlyList<Applet> applets, string name) => applets.FirstOrDefault(a => a.Name == name);

    /// <param name="given">The word that named no program ("" for none), or null for --help.</param>
    public static string Usage(IReadOnlyList<Applet> applets, string? given)
    {
        var programs = string.Join(", ", applets.Select(a => a.Name));
        return given switch
        {
            null => $"usage: zfsansible PROGRAM [ARGS]   (or a link named PROGRAM; programs: {programs}; PROGRAM --help lists its verbs; --argument-specs prints every module's options as JSON)",
            "" => $"usage: zfsansible PROGRAM [ARGS]   (no program given; programs: {programs})",
            _ => $"usage: zfsansible PROGRAM [ARGS]   (unknown program '{given}'; programs: {programs})",
        };
    }

    [GeneratedRegex("(_(x86_64|aarch64))?(-[0-9a-f]+)?$")]
    private static partial Regex Suffixes();
}
