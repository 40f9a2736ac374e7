using System.Globalization;
using ZfsAnsible.Domain;

namespace ZfsAnsible.Modules.ZfsReplicate;

/// <summary>
/// One replication per source host at a time (DESIGN §6.4): a file holding "PID start-time". A lock whose PID is
/// dead is taken over with a warning; a live one is refused, naming who holds it since when. Different hosts have
/// different files, so they run in parallel.
/// </summary>
public sealed class HostLock : IDisposable
{
    private readonly string _path;

    private HostLock(string path, string? warning)
    {
        _path = path;
        Warning = warning;
    }

    /// <summary>Set when a stale lock was taken over.</summary>
    public string? Warning { get; }

    public static string PathFor(string directory, string host) => Path.Combine(directory, $"replicate-{host}.lock");

    public static Result<HostLock> Acquire(string directory, string host)
    {
        var path = PathFor(directory, host);
        try
        {
            Directory.CreateDirectory(directory);
            string? warning = null;
            for (var attempt = 0; attempt < 2; attempt++)
            {
                if (TryCreate(path))
                {
                    return Result.Ok(new HostLock(path, warning));
                }

                var (pid, since) = Read(path);
                if (pid is { } holder && IsAlive(holder))
                {
                    return Result<HostLock>.Fail($"replication from {host} is already running: PID {holder} holds {path} since {since}");
                }

                // Dead (or unreadable) holder: the lock is stale. Delete it and try once more, so two takers cannot both win.
                warning = $"took over the stale lock {path} of PID {pid?.ToString(CultureInfo.InvariantCulture) ?? "?"} (no longer running, since {since})";
                File.Delete(path);
            }

            return Result<HostLock>.Fail($"could not take the lock {path}: another run took it at the same moment");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Result<HostLock>.Fail($"cannot use the lock directory {directory}: {e.Message}");
        }
    }

    public void Dispose()
    {
        // Only our own lock is removed: a run that took it over after us keeps its file.
        if (Read(_path).Pid == Environment.ProcessId)
        {
            File.Delete(_path);
        }
    }

    private static bool TryCreate(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            using var writer = new StreamWriter(stream);
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n"));
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    private static (int? Pid, string Since) Read(string path)
    {
        try
        {
            var fields = File.ReadAllText(path).Split(' ', 2, StringSplitOptions.TrimEntries);
            return (int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null, fields.Length > 1 ? fields[1] : "an unknown time");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, "an unknown time");
        }
    }

    private static bool IsAlive(int pid) => pid > 0 && Directory.Exists($"/proc/{pid}");
}
