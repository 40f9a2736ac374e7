using System.Text;

namespace ZfsAnsible.Zfs;

/// <summary>
/// A cache kept as one text file, trusted only in a directory and a file no one but their owner may write (a planted
/// file could mislead a run), written whole to a temporary file of mode 0600 and renamed over the old one. Nothing
/// here fails a run: a cache that cannot be read or written is only a shortcut not taken.
/// </summary>
public static class PrivateCacheFile
{
    /// <summary>What <paramref name="parse"/> makes of the file's lines; null when the file is missing, unreadable or not private.</summary>
    public static T? Read<T>(string directory, string name, Func<IEnumerable<string>, T?> parse)
        where T : class
    {
        var path = Path.Combine(directory, name);
        try
        {
            return File.Exists(path) && !OthersMayWrite(directory) && !OthersMayWrite(path) ? parse(File.ReadLines(path)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Replaces the file with what <paramref name="write"/> writes; false when it could not (the next run does without).</summary>
    /// <param name="create">Make the directory (mode 0755, its parent must exist) when it is missing.</param>
    public static bool Write(string directory, string name, Action<TextWriter> write, bool create = false)
    {
        var path = Path.Combine(directory, name);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            if (create && !Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            if (!Directory.Exists(directory) || OthersMayWrite(directory))
            {
                return false;
            }

            using (var file = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            using (var writer = new StreamWriter(file, new UTF8Encoding(false)))
            {
                write(writer);
            }

            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception inner) when (inner is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do: the next write replaces it.
            }

            return false;
        }
    }

    private static bool OthersMayWrite(string path) =>
        (File.GetUnixFileMode(path) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0;
}
