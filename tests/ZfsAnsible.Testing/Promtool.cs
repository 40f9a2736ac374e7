namespace ZfsAnsible.Testing;

/// <summary>Prometheus' own checker (Debian package prometheus) on an exposition a test scraped.</summary>
public static class Promtool
{
    public static ProcessOutcome CheckMetrics(string exposition)
    {
        var file = Path.Combine(Path.GetTempPath(), $"zfsansible-metrics-{Guid.NewGuid():N}.txt");
        File.WriteAllText(file, exposition);
        try
        {
            return Processes.Run("sh", ["-c", $"promtool check metrics < '{file}'"]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
