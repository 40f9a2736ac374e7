namespace ZfsAnsible.Testing;

/// <summary>Where the repository and its build outputs are; set ZFSANSIBLE_ROOT or run from inside the checkout.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Artifacts => Path.Combine(Root, "artifacts");

    public static string CollectionsPath => Path.Combine(Artifacts, "collections", "ansible_collections");

    public static string SandboxScript => Path.Combine(Root, "tests", "sandbox", "zfs-sandbox.sh");

    /// <summary>A published NativeAOT executable; fails with the command that builds it.</summary>
    public static string Executable(string name, string rid)
    {
        var path = Path.Combine(Artifacts, "publish", rid, name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is not built: run ./build.sh build first");
    }

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("ZFSANSIBLE_ROOT") is { Length: > 0 } root)
        {
            return root;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ZfsAnsible.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (ZfsAnsible.sln); set ZFSANSIBLE_ROOT");
    }
}
