using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.Timers;

/// <summary>
/// The host's systemd, through systemctl. Where systemd is not running (a container), or the units are for another
/// root (an image being built: <c>systemctl --root</c>), enabling still works — systemctl links the unit offline —
/// and starting waits for the next boot.
/// </summary>
public sealed class Systemctl(ICommandRunner runner, bool running, string root = "/")
{
    /// <summary>sd_booted(): systemd is PID 1 exactly when this directory exists.</summary>
    public static bool IsBooted => Directory.Exists("/run/systemd/system");

    public bool Running => running && root == "/";

    private string[] Root => root == "/" ? [] : [$"--root={root}"];

    /// <summary>The changes listed so far (run, or in check mode only listed): the report's commands.</summary>
    public List<string> Ran { get; } = [];

    public bool IsEnabled(string unit) => runner.Run(Command.Of("systemctl", [.. Root, "is-enabled", "--", unit])) is { Succeeded: true } result && result.StandardOutput.Trim() == "enabled";

    public bool IsActive(string unit) => Running && runner.Run(Command.Of("systemctl", "is-active", "--quiet", "--", unit)).Succeeded;

    /// <summary>Lists a change (enable, start, daemon-reload ...) and, unless in check mode, runs it; the failure as one line, or null.</summary>
    public string? Change(bool checkMode, params string[] arguments)
    {
        var command = Command.Of("systemctl", [.. Root, .. arguments]);
        Ran.Add(command.ToString());
        if (checkMode)
        {
            return null;
        }

        var result = runner.Run(command);
        return result.Succeeded ? null : result.FailureSummary;
    }
}
