using System.Text.Json.Nodes;

namespace ZfsAnsible.Testing;

/// <summary>What one ansible-playbook run did, read from the json stdout callback.</summary>
public sealed record PlaybookRun(int ExitCode, JsonObject Output, string Raw, string StandardError)
{
    /// <summary>Results of every task on the (single) target host, in order.</summary>
    public IReadOnlyList<JsonObject> Results =>
        [.. Output["plays"]!.AsArray().SelectMany(p => p!["tasks"]!.AsArray()).Select(t => t!["hosts"]!.AsObject().Select(h => h.Value!.AsObject()).First())];

    public JsonObject Result(int index = 0) => Results[index];

    /// <summary>Every task's result on <paramref name="host"/>, by task name without its role (a task run twice keeps its last).</summary>
    public IReadOnlyDictionary<string, JsonObject> ResultsOf(string host) => Output["plays"]!.AsArray()
        .SelectMany(p => p!["tasks"]!.AsArray())
        .Where(t => t!["hosts"]![host] is not null)
        .GroupBy(t => t!["task"]!["name"]!.GetValue<string>().Split(" : ", 2)[^1])
        .ToDictionary(g => g.Key, g => g.Last()!["hosts"]![host]!.AsObject());

    public JsonObject StatsOf(string host) => Output["stats"]![host]!.AsObject();

    public int Changed => Stat("changed");

    public int Failures => Stat("failures");

    private int Stat(string key) => Output["stats"]!.AsObject().Sum(host => host.Value![key]!.GetValue<int>());

    public override string ToString() => $"exit {ExitCode}\n{Raw}\nstderr:\n{StandardError}";
}

/// <summary>Runs real ansible-playbook against localhost with the built collection.</summary>
public static class AnsiblePlaybook
{
    /// <summary>Runs <paramref name="playbook"/> (YAML text); options name the inventory and add "--check", "--diff".</summary>
    public static PlaybookRun Run(string playbook, IEnumerable<string>? options = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Directory.CreateTempSubdirectory("zfsansible-play-").FullName;
        try
        {
            var path = Path.Combine(directory, "play.yml");
            File.WriteAllText(path, playbook);
            return RunFile(path, options, environment);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs the playbook file at <paramref name="path"/> (one of the repository's, as a user would).</summary>
    public static PlaybookRun RunFile(string path, IEnumerable<string>? options = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = new Dictionary<string, string>
        {
            ["ANSIBLE_COLLECTIONS_PATH"] = Repository.CollectionsPath,
            ["ANSIBLE_STDOUT_CALLBACK"] = "json",
            ["ANSIBLE_NOCOLOR"] = "1",
            ["ANSIBLE_RETRY_FILES_ENABLED"] = "0",
            ["ANSIBLE_LOCALHOST_WARNING"] = "0",
            ["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "0",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        // Bounded, to fail a hung run; generous, because a play of two roles in the emulated guest takes minutes.
        var outcome = Processes.Run("ansible-playbook", [path, .. options ?? []], env, TimeSpan.FromMinutes(10));
        var json = outcome.StandardOutput[Math.Max(0, outcome.StandardOutput.IndexOf('{', StringComparison.Ordinal))..];
        var parsed = JsonNode.Parse(json) as JsonObject ?? throw new InvalidOperationException($"ansible-playbook printed no JSON: {outcome}");
        return new PlaybookRun(outcome.ExitCode, parsed, outcome.StandardOutput, outcome.StandardError);
    }

    /// <summary>A one-task play on every inventory host, the task given as YAML lines (indented for a task body).</summary>
    public static string Play(string moduleYaml, string vars = "") => $"""
        - hosts: all
          gather_facts: false
        {vars}
          tasks:
            - name: task under test
        {moduleYaml}
        """;
}
