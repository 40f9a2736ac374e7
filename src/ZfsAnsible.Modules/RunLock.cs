using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using ZfsAnsible.Domain;
using ZfsAnsible.Zfs;

namespace ZfsAnsible.Modules;

/// <summary>
/// One run of a kind at a time on a host: one replication per source host, one snapshot run (docs/safety.md rule 4). The lock
/// is the kernel's flock on "NAME.lock", so it is released when the process dies, however it dies (the descriptor is
/// close-on-exec: no child keeps it), and two runs can never both win. Beside it "NAME.pid" says "PID start-time" for
/// the messages: a live holder is refused (or waited for) naming who holds it since when; a .pid left by a run that is
/// gone means its lock was taken over, with a warning. Every failure is a sentence naming the path and the cause.
/// </summary>
public sealed partial class RunLock : IDisposable
{
    /// <summary>Where every run's lock lives unless told otherwise (lock_dir): cleared at boot, like the locks' holders.</summary>
    public const string DefaultDirectory = CapabilityCache.DefaultDirectory;

    private readonly string _infoPath;
    private readonly SafeFileHandle _lock;

    private RunLock(string infoPath, SafeFileHandle held, string? warning)
    {
        _infoPath = infoPath;
        _lock = held;
        Warning = warning;
    }

    /// <summary>Set when a lock left by a run that is gone was taken over.</summary>
    public string? Warning { get; }

    public static string PathFor(string directory, string name) => Path.Combine(directory, $"{name}.lock");

    /// <summary>Takes the lock <paramref name="name"/> in <paramref name="directory"/>, waiting up to <paramref name="wait"/> for a live holder.</summary>
    /// <param name="what">What the lock guards, for the messages ("replication from host-storage").</param>
    public static Result<RunLock> Acquire(string directory, string name, string what, TimeSpan wait = default, CancellationToken cancellation = default)
    {
        var path = PathFor(directory, name);
        var infoPath = Path.ChangeExtension(path, ".pid");
        if (MakeDirectory(directory) is { } unusable)
        {
            return unusable;
        }

        var fd = Native.Open(path, Native.ReadWrite | Native.Create | Native.CloseOnExec, 0b110_100_100);
        if (fd < 0)
        {
            return new Error($"cannot open the lock file {path}: {Native.LastError()}");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var deadline = DateTimeOffset.UtcNow + wait;
        while (Native.Flock(fd, Native.Exclusive | Native.NonBlocking) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Native.WouldBlock)
            {
                handle.Dispose();
                return new Error($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }

            if (DateTimeOffset.UtcNow >= deadline || cancellation.IsCancellationRequested)
            {
                handle.Dispose();
                var holder = Read(infoPath) is { Pid: { } pid, Since: var since }
                    ? string.Create(CultureInfo.InvariantCulture, $"PID {pid} holds {path} since {since}")
                    : $"another process holds {path} (its PID file {infoPath} is missing or unreadable)";
                var waited = wait > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $" after waiting {wait.TotalSeconds:0} s") : string.Empty;
                return new Error($"{what} is already running{waited}: {holder}");
            }

            Thread.Sleep(100);
        }

        var warning = Read(infoPath) is { Pid: { } previous, Since: var previousSince }
            ? TakeOverWarning(path, previous, previousSince)
            : null;
        try
        {
            File.WriteAllText(infoPath, string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            handle.Dispose();
            return new Error($"cannot write {infoPath}: {(e is UnauthorizedAccessException ? "permission denied" : "write error")}");
        }

        return Result.Ok(new RunLock(infoPath, handle, warning));
    }

    public void Dispose()
    {
        // The .pid goes first, while the lock is still held: no other run can be writing it.
        File.Delete(_infoPath);
        _lock.Dispose();
    }

    /// <summary>The lock was free, so its last holder is gone; its PID may since belong to an unrelated process.</summary>
    private static string TakeOverWarning(string path, int pid, string since) =>
        Directory.Exists(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}"))
            ? $"took over the lock {path} left by PID {pid} (since {since}); that run no longer holds it, and PID {pid} is now another process"
            : $"took over the lock {path} left by PID {pid} (no longer running, since {since})";

    /// <summary>Creates the directory and its parents; null when it is there, else why it cannot be used.</summary>
    private static Error? MakeDirectory(string directory)
    {
        if (!Path.IsPathFullyQualified(directory))
        {
            return new Error($"the lock directory {directory} must be an absolute path");
        }

        var parts = directory.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = string.Empty;
        foreach (var part in parts)
        {
            current += "/" + part;
            if (File.Exists(current))
            {
                return new Error($"cannot use the lock directory {directory}: {current} is a file, not a directory");
            }

            if (!Directory.Exists(current) && Native.MakeDirectory(current, 0b111_101_101) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != Native.Exists)
            {
                return new Error($"cannot create the lock directory {directory}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }

        return null;
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

    /// <summary>libc's open, flock and mkdir: errno, not the framework's exception texts, says why (Linux values).</summary>
    private static partial class Native
    {
        public const int ReadWrite = 0x2;
        public const int Create = 0x40;
        public const int CloseOnExec = 0x80000;
        public const int Exclusive = 2;
        public const int NonBlocking = 4;
        public const int WouldBlock = 11;
        public const int Exists = 17;

        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags, int mode);

        [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
        public static partial int Flock(int fd, int operation);

        [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int MakeDirectory(string path, int mode);

        public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
    }
}
