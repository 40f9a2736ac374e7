using System.Security.Cryptography;

namespace ZfsAnsible.Modules.Installation;

/// <summary>What one file needs: its path, the bytes it must hold, and its mode.</summary>
public sealed record FileState(string Path, bool Exists, bool ContentMatches, bool ModeMatches)
{
    public bool Changes => !Exists || !ContentMatches || !ModeMatches;
}

/// <summary>
/// Files a module owns on the host: compared before anything is written, replaced atomically (a temporary file in the
/// same directory, then rename), so a reader — systemd, a running timer — sees the old file or the new one, never half.
/// </summary>

public static class HostFiles
{
    public static FileState Inspect(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return new FileState(path, false, false, false);
        }

        var same = info.Length == content.Length && SHA256.HashData(File.ReadAllBytes(path)).AsSpan().SequenceEqual(SHA256.HashData(content));
        return new FileState(path, true, same, (info.UnixFileMode & (UnixFileMode)0x1FF) == mode);
    }

    /// <summary>Same as <see cref="Inspect(string, ReadOnlySpan{byte}, UnixFileMode)"/> for a large file given by path (an executable), hashed as a stream.</summary>
    public static FileState Inspect(string path, string sourcePath, UnixFileMode mode)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return new FileState(path, false, false, false);
        }

        return new FileState(path, true, info.Length == new FileInfo(sourcePath).Length && Hash(path).SequenceEqual(Hash(sourcePath)), (info.UnixFileMode & (UnixFileMode)0x1FF) == mode);
    }

    public static string? ReadText(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var temporary = TemporaryBeside(path);
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            File.SetUnixFileMode(temporary, mode);
            stream.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Copies <paramref name="sourcePath"/> (this very executable, for instance) to <paramref name="path"/> atomically.</summary>
    public static void Copy(string sourcePath, string path, UnixFileMode mode)
    {
        var temporary = TemporaryBeside(path);
        File.Copy(sourcePath, temporary, overwrite: true);
        File.SetUnixFileMode(temporary, mode);
        File.Move(temporary, path, overwrite: true);
    }

    public static bool Remove(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>A temporary name in the file's own directory (created if missing): rename is atomic only within one file system.</summary>
    private static string TemporaryBeside(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $".{Path.GetFileName(path)}.zfsansible-{Environment.ProcessId}");
    }

    private static byte[] Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return SHA256.HashData(stream);
    }
}
