using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace ZfsAnsible.Zfs.Execution;

/// <summary>
/// Moves a stream from one pipe to another inside the kernel (splice(2)): the bytes never enter this process, so an
/// unlimited transfer costs what "zfs send | zfs recv" costs, and the count is still exact.
/// </summary>
internal static partial class KernelPipe
{
    private const int Chunk = 1 << 20;
    private const uint SpliceMove = 1;
    private const uint SpliceMore = 4;
    private const int Interrupted = 4; // EINTR
    private const int BrokenPipe = 32; // EPIPE: the receiver closed its end

    // At the first call: this pair of descriptors cannot be spliced here (EINVAL, ENOSYS, EPERM from a seccomp
    // filter, EAGAIN on a non-blocking end); the copy takes over.
    private static readonly int[] NotHere = [22, 38, 1, 11];

    /// <summary>How a move ended: moved to the end, or the receiving end broke (its own result says why), or not possible at all.</summary>
    public enum Outcome
    {
        Done,
        ReceiverGone,
        Unsupported,
    }

    /// <summary>Moves <paramref name="source"/> to <paramref name="destination"/> until the source ends, counting into <paramref name="moved"/>.</summary>
    public static Outcome Move(Stream source, Stream destination, Action<long> moved)
    {
        if (source is not PipeStream { SafePipeHandle: var from } || destination is not PipeStream { SafePipeHandle: var to })
        {
            return Outcome.Unsupported;
        }

        var fromAdded = false;
        var toAdded = false;
        try
        {
            from.DangerousAddRef(ref fromAdded);
            to.DangerousAddRef(ref toAdded);
            var (input, output) = ((int)from.DangerousGetHandle(), (int)to.DangerousGetHandle());
            // Larger pipes, fewer calls (64 KB by default; 1 MB is what an unprivileged process may set). Best effort.
            _ = SetPipeSize(input, SetPipeSizeCommand, Chunk);
            _ = SetPipeSize(output, SetPipeSizeCommand, Chunk);
            var first = true;
            while (true)
            {
                var n = Splice(input, 0, output, 0, Chunk, SpliceMove | SpliceMore);
                if (n > 0)
                {
                    moved(n);
                    first = false;
                    continue;
                }

                if (n == 0)
                {
                    return Outcome.Done;
                }

                var error = Marshal.GetLastPInvokeError();
                if (error == Interrupted)
                {
                    continue;
                }

                if (first && NotHere.Contains(error))
                {
                    return Outcome.Unsupported;
                }

                return error == BrokenPipe
                    ? Outcome.ReceiverGone
                    : throw new IOException($"splice failed: {Marshal.GetPInvokeErrorMessage(error)}");
            }
        }
        finally
        {
            if (fromAdded)
            {
                from.DangerousRelease();
            }

            if (toAdded)
            {
                to.DangerousRelease();
            }
        }
    }

    private const int SetPipeSizeCommand = 1031; // F_SETPIPE_SZ

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int SetPipeSize(int fd, int command, int size);

    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    private static partial nint Splice(int fdIn, nint offIn, int fdOut, nint offOut, nuint length, uint flags);
}
