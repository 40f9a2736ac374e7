using System.Runtime.InteropServices;
using System.Text;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.BootConfig;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Modules.PiBootConfig;

/// <summary>The config.txt found, as read, and how it was found (a note when a pointer file or a link led to it).</summary>
public sealed record LocatedFile(string Path, ReadFile File, string? Note);

/// <summary>A config.txt as read: its lines, and the encoding that turns them back into the same bytes.</summary>
public sealed record ReadFile(ConfigTxt Config, Encoding Encoding);

/// <summary>
/// config.txt on the boot partition: found where Raspberry Pi OS keeps it, read so it writes back byte for byte, and
/// replaced atomically - a temporary file beside it (same file system), flushed, given the original's mode and owner,
/// renamed over it, and the directory flushed - so a power cut leaves the old file or the new one, never half of one.
/// </summary>
public static partial class BootConfigFile
{
    /// <summary>Bookworm and later keep it on the firmware partition; older images at /boot (which bookworm keeps as a pointer note).</summary>
    public static readonly string[] Candidates = ["/boot/firmware/config.txt", "/boot/config.txt"];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file to edit: <paramref name="path"/> when given, else the first candidate that exists; links and pointer notes are followed. <paramref name="root"/> prefixes every absolute path (tests).</summary>
    public static Result<LocatedFile> Locate(string? path, string root = "/")
    {
        string Rooted(string p) => root == "/" ? p : Path.Join(root, p);
        var candidates = path is null ? Candidates : [path];
        var found = candidates.FirstOrDefault(c => File.Exists(Rooted(c)));
        if (found is null)
        {
            return path is null
                ? Result<LocatedFile>.Fail($"no config.txt at {string.Join(" or ", Candidates)}: is this a Raspberry Pi with its boot partition mounted? Give path otherwise")
                : Result<LocatedFile>.Fail($"{path} does not exist (or is not a file)");
        }

        var real = new FileInfo(Rooted(found)).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Rooted(found);
        var read = Read(real);
        if (!read.IsOk)
        {
            return read.Error;
        }

        if (read.Value.Config.PointerTarget() is { } target)
        {
            var followed = Rooted(target);
            return File.Exists(followed)
                ? Read(followed).Map(file => new LocatedFile(followed, file, $"{found} is a note pointing to {target}; that file was used"))
                : Result<LocatedFile>.Fail($"{found} is a note pointing to {target}, which does not exist: is the boot partition mounted there?");
        }

        return new LocatedFile(real, read.Value, real == Rooted(found) ? null : $"{found} is a link to {real}; that file was used");
    }

    public static Result<ReadFile> Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Result<ReadFile>.Fail($"cannot read {path}: {(e is UnauthorizedAccessException ? "permission denied" : "read error")}");
        }

        // UTF-8 when it is (the usual case), else Latin-1: either maps the bytes one to one, so untouched lines stay as they were.
        try
        {
            return new ReadFile(ConfigTxt.Parse(StrictUtf8.GetString(bytes)), StrictUtf8);
        }
        catch (DecoderFallbackException)
        {
            return new ReadFile(ConfigTxt.Parse(Encoding.Latin1.GetString(bytes)), Encoding.Latin1);
        }
    }

    /// <summary>Replaces the file with <paramref name="config"/>; with <paramref name="backupSuffix"/>, copies the original first. Returns the backup's path.</summary>
    public static Result<string?> Replace(string path, ConfigTxt config, Encoding encoding, string? backupSuffix)
    {
        // A fresh name each time: a temporary file left by a killed run is never in the way.
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.zfsansible-{Guid.NewGuid():N}");
        var backup = backupSuffix is null ? null : $"{path}.{backupSuffix}";
        var backupMade = false;
        try
        {
            var original = FileStatus.Of(path);
            if (original is null)
            {
                return Result<string?>.Fail($"cannot read the owner and mode of {path}: {FileStatus.LastError()}");
            }

            if (backup is not null)
            {
                File.Copy(path, backup, overwrite: false);
                backupMade = true;
            }

            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(encoding.GetBytes(config.Render()));
                stream.Flush(flushToDisk: true);
            }

            // On the FAT boot partition both already match (the mount decides them), and neither call is made.
            var made = FileStatus.Of(temporary);
            if (made is null || made.Mode != original.Mode)
            {
                File.SetUnixFileMode(temporary, (UnixFileMode)original.Mode);
            }

            if ((made is null || made.Uid != original.Uid || made.Gid != original.Gid) && Native.Chown(temporary, original.Uid, original.Gid) != 0)
            {
                throw new IOException($"cannot give {temporary} the owner of {path}: {Native.LastError()}");
            }

            File.Move(temporary, path, overwrite: true);
            Native.SyncDirectory(Path.GetDirectoryName(path)!);
            return backup;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Remove(temporary);
            if (backupMade)
            {
                Remove(backup!);
            }

            var reason = e switch
            {
                UnauthorizedAccessException => "permission denied (or a read-only file system)",
                IOException { Message: var m } when m.StartsWith("cannot ", StringComparison.Ordinal) => m,
                FileNotFoundException or DirectoryNotFoundException => "its directory is gone",
                _ => $"a write error (is the partition full or read-only?){(backupMade || backup is null ? string.Empty : $" while copying it to {backup}")}",
            };
            return Result<string?>.Fail($"cannot write {path}: {reason}; it is unchanged");
        }
    }

    /// <summary>Best-effort removal of what a failed replacement left; the failure itself is what gets reported.</summary>
    private static void Remove(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A directory in the way, or a read-only file system: nothing was written there either.
        }
    }

    /// <summary>libc's chown, open, fsync and close.</summary>
    private static partial class Native
    {
        public static void SyncDirectory(string directory)
        {
            var fd = Open(directory, 0);
            if (fd >= 0)
            {
                _ = Fsync(fd);
                _ = Close(fd);
            }
        }

        public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

        [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Chown(string path, uint uid, uint gid);

        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        private static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        private static partial int Close(int fd);
    }
}
