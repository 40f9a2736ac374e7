using System.Globalization;
using ZfsAnsible.Domain;

namespace ZfsAnsible.Modules.ZfsReplicate;

/// <summary>
/// One replication per source host at a time (DESIGN §6.4). The lock is the kernel's: "replicate-HOST.lock" is held
/// open with FileShare.None, which .NET takes as flock(LOCK_EX), so it is released when the process dies, however it
/// dies, and two runs can never both win. Beside it "replicate-HOST.pid" says "PID start-time" for the messages
/// (a file .NET holds exclusively cannot be read by another .NET process): a live holder is refused naming who holds
/// it since when; a .pid a dead run left behind means its lock was taken over, with a warning.
/// </summary>
public sealed class HostLock : IDisposable
{
    private readonly string _infoPath;
    private readonly FileStream _lock;

    private HostLock(string infoPath, FileStream held, string? warning)
    {
        _infoPath = infoPath;
        _lock = held;
        Warning = warning;
    }

    /// <summary>Set when a lock left by a run that is gone was taken over.</summary>
    public string? Warning { get; }

    public static string PathFor(string directory, string host) => Path.Combine(directory, $"replicate-{host}.lock");

    public static Result<HostLock> Acquire(string directory, string host)
    {
        var path = PathFor(directory, host);
        var infoPath = Path.ChangeExtension(path, ".pid");
        FileStream held;
        try
        {
            Directory.CreateDirectory(directory);
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            var (pid, since) = Read(infoPath);
            return Result<HostLock>.Fail($"replication from {host} is already running: PID {pid?.ToString(CultureInfo.InvariantCulture) ?? "?"} holds {path} since {since}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Result<HostLock>.Fail($"cannot use the lock directory {directory}: {e.Message}");
        }

        var previous = Read(infoPath);
        var warning = previous.Pid is { } dead
            ? $"took over the lock {path} left by PID {dead} (no longer running, since {previous.Since})"
            : null;
        try
        {
            File.WriteAllText(infoPath, string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            held.Dispose();
            return Result<HostLock>.Fail($"cannot write {infoPath}: {e.Message}");
        }

        return Result.Ok(new HostLock(infoPath, held, warning));
    }

    public void Dispose()
    {
        // The .pid goes first, while the lock is still held: no other run can be writing it.
        File.Delete(_infoPath);
        _lock.Dispose();
    }

    private static (int? Pid, string Since) Read(string infoPath)
    {
        try
        {
            var fields = File.ReadAllText(infoPath).Split(' ', 2, StringSplitOptions.TrimEntries);
            return (int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null, fields.Length > 1 ? fields[1] : "an unknown time");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, "an unknown time");
        }
    }
}
