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

    /// <summary>promtool check rules on a rule file (syntax and lint).</summary>
    public static ProcessOutcome CheckRules(string path) => Processes.Run("promtool", ["check", "rules", path]);

    /// <summary>promtool test rules on a unit-test file (its rule_files relative to it).</summary>
    public static ProcessOutcome TestRules(string path) => Processes.Run("promtool", ["test", "rules", path]);
}
