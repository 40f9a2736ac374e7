using System.Runtime.InteropServices;

namespace ZfsAnsible.Zfs.Execution;

/// <summary>
/// A file as stat(2) describes it (links followed): which file it is (device and inode), its size and times, and its
/// owner and mode. A file replaced by rename, as package managers install them, has another inode and change time.
/// </summary>
/// <param name="Modified">mtime, in nanoseconds since the epoch.</param>
/// <param name="Changed">ctime (the inode's last change), in nanoseconds since the epoch.</param>
/// <param name="Mode">The permission bits (07777).</param>
public sealed partial record FileStatus(ulong Device, ulong Inode, long Size, long Modified, long Changed, uint Uid, uint Gid, int Mode)
{
    /// <summary>The status of <paramref name="path"/>, or null when it cannot be read (<see cref="LastError"/> says why).</summary>
    public static FileStatus? Of(string path) => Native.Stat(path);

    /// <summary>Why the last <see cref="Of"/> on this thread returned null.</summary>
    public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

    /// <summary>libc's statx: one layout on every architecture (glibc 2.28+).</summary>
    private static partial class Native
    {
        private const int CurrentDirectory = -100;

        // STATX_TYPE | MODE | NLINK | UID | GID | MTIME | CTIME | INO | SIZE
        private const uint Wanted = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200;

        public static unsafe FileStatus? Stat(string path)
        {
            // struct statx (256 bytes): stx_uid at 20, stx_gid at 24, stx_mode (16 bits) at 28, stx_ino at 32,
            // stx_size at 40, stx_ctime at 96 and stx_mtime at 112 (each 64-bit seconds, then 32-bit nanoseconds),
            // stx_dev_major at 136 and stx_dev_minor at 140.
            var buffer = stackalloc byte[256];
            if (Statx(CurrentDirectory, path, 0, Wanted, buffer) != 0)
            {
                return null;
            }

            static long Nanoseconds(byte* at) => (*(long*)at * 1_000_000_000L) + *(uint*)(at + 8);
            var device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
            return new FileStatus(device, *(ulong*)(buffer + 32), *(long*)(buffer + 40), Nanoseconds(buffer + 112), Nanoseconds(buffer + 96),
                *(uint*)(buffer + 20), *(uint*)(buffer + 24), *(ushort*)(buffer + 28) & 0xFFF);
        }

        [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
    }
}
