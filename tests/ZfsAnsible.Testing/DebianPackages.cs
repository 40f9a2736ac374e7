namespace ZfsAnsible.Testing;

/// <summary>Debian packages fetched from this machine's archive (apt-get download), for a guest without a mirror.</summary>
public static class DebianPackages
{
    private static readonly string Cache = Path.Combine(Repository.Artifacts, "debs");

    /// <summary>The .deb files of <paramref name="names"/>, downloaded once into artifacts/debs.</summary>
    public static IReadOnlyList<string> Download(params string[] names)
    {
        Directory.CreateDirectory(Cache);
        return [.. names.Select(name =>
        {
            var found = Directory.GetFiles(Cache, $"{name}_*.deb").FirstOrDefault();
            if (found is not null)
            {
                return found;
            }

            var download = Processes.Run("apt-get", ["download", name], workingDirectory: Cache);
            if (download.ExitCode != 0)
            {
                // A machine whose package lists were cleaned (container images) knows no package until an update.
                Processes.Run("apt-get", ["update", "-q"], timeout: TimeSpan.FromMinutes(5));
                download = Processes.Run("apt-get", ["download", name], workingDirectory: Cache);
            }

            return download.ExitCode == 0 ? Directory.GetFiles(Cache, $"{name}_*.deb").Single() : throw new InvalidOperationException($"apt-get download {name} failed: {download}");
        })];
    }
}
