namespace ZfsAnsible.Modules.PiBootConfig;

/// <summary>
/// A change to config.txt that the board has not booted with yet, recorded in a file under /run: a tmpfs, emptied by
/// every boot. A later run that finds nothing to change still knows the reboot is pending, until the board reboots.
/// </summary>
public static class RebootMarker
{
    public const string DefaultPath = "/run/zfsansible/reboot-required";

    public static bool IsPending(string marker) => File.Exists(marker);

    /// <summary>Appends what changed; a failure to record is a warning (config.txt itself was written), else null.</summary>
    public static string? Record(string marker, string change)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            File.AppendAllText(marker, change + "\n");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"config.txt was written, but the pending reboot could not be recorded in {marker} ({(e is UnauthorizedAccessException ? "permission denied" : "write error")}): a later run will not know of it";
        }
    }
}
