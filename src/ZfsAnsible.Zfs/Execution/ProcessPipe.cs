using System.ComponentModel;
using System.Diagnostics;

namespace ZfsAnsible.Zfs.Execution;

/// <summary>How a "from | to" pipe ended: both commands' results, the bytes that went through, and whether it was stopped.</summary>
/// <param name="Cancelled">Stopped before the end: cancelled, or what the stream waited for was not done (<see cref="IPipeRunner.Run"/>'s ready).</param>
public sealed record PipeResult(CommandResult From, CommandResult To, long Bytes, TimeSpan Duration, bool Cancelled)
{
    public bool Succeeded => !Cancelled && From.Succeeded && To.Succeeded;

    /// <summary>The failing side's command and stderr, the sender's first (a broken receiver also breaks the sender's pipe).</summary>
    public string ErrorSummary => Cancelled
        ? "the transfer was interrupted"
        : string.Join("; ", new[] { From, To }.Where(r => !r.Succeeded).Select(r => r.FailureSummary));
}

/// <summary>Runs "from | to" with the bytes passing through this process: counted, optionally rate-limited, stoppable.</summary>
public interface IPipeRunner
{
    /// <param name="ready">Run once both commands have started, before any byte moves (what the receiver needs first);
    /// false stops both, and the result is <see cref="PipeResult.Cancelled"/> with nothing moved.</param>
    PipeResult Run(Command from, Command to, long? bytesPerSecond, CancellationToken cancellation, Func<bool>? ready = null);
}

/// <summary>
/// The real pipe: two processes, no shell, the stream passed between them: moved inside the kernel (splice) when
/// there is no rate limit, copied here when there is one. Doing it here rather than with pv or mbuffer keeps the
/// target free of extra packages and gives exact byte counts for the metrics. Cancelling kills both process trees
/// (ssh included) and returns; nothing is left running.
/// </summary>
public sealed class ProcessPipe : IPipeRunner
{
    private const int BufferSize = 128 * 1024;

    public PipeResult Run(Command from, Command to, long? bytesPerSecond, CancellationToken cancellation, Func<bool>? ready = null)
    {
        var clock = Stopwatch.StartNew();
        var fromInfo = ProcessCommandRunner.StartInfo(from, out var fromProblem);
        var toInfo = ProcessCommandRunner.StartInfo(to, out var toProblem);
        if (fromInfo is null || toInfo is null)
        {
            return new PipeResult(fromProblem ?? Skipped(from), toProblem ?? Skipped(to), 0, clock.Elapsed, false);
        }

        using var receiver = Start(toInfo, to, out var receiverProblem);
        if (receiver is null)
        {
            return new PipeResult(Skipped(from), receiverProblem!, 0, clock.Elapsed, false);
        }

        using var sender = Start(fromInfo, from, out var senderProblem);
        if (sender is null)
        {
            Kill(receiver);
            return new PipeResult(senderProblem!, Skipped(to), 0, clock.Elapsed, false);
        }

        sender.StandardInput.Close();
        var senderErrors = sender.StandardError.ReadToEndAsync(CancellationToken.None);
        var receiverOutput = receiver.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var receiverErrors = receiver.StandardError.ReadToEndAsync(CancellationToken.None);
        var copied = new Progress();
        var cancelled = !IsReady(ready, sender, receiver);
        try
        {
            if (!cancelled)
            {
                // The transfer's time (and the rate limit's) starts when the stream may flow.
                clock.Restart();
                var moved = bytesPerSecond is > 0 ? KernelPipe.Outcome.Unsupported : MoveInKernel(sender, receiver, copied, cancellation);
                cancellation.ThrowIfCancellationRequested();
                if (moved == KernelPipe.Outcome.Unsupported)
                {
                    Copy(sender.StandardOutput.BaseStream, receiver.StandardInput.BaseStream, bytesPerSecond, clock, copied, cancellation);
                }
                else if (moved == KernelPipe.Outcome.ReceiverGone)
                {
                    throw new IOException("the receiver stopped reading");
                }

                receiver.StandardInput.Close();
            }
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
            Kill(receiver);
            Kill(sender);
        }
        catch (IOException)
        {
            // The receiver stopped reading (it failed): its exit code and stderr tell why. Nobody reads the sender's
            // output any more, so it would block on a full pipe for ever: stop it.
            Kill(sender);
        }

        sender.WaitForExit();
        CloseQuietly(receiver.StandardInput);
        receiver.WaitForExit();
        return new PipeResult(
            new CommandResult(from, sender.ExitCode, string.Empty, senderErrors.GetAwaiter().GetResult()),
            new CommandResult(to, receiver.ExitCode, receiverOutput.GetAwaiter().GetResult(), receiverErrors.GetAwaiter().GetResult()),
            copied.Bytes,
            clock.Elapsed,
            cancelled);
    }

    /// <summary>
    /// Whether the stream may flow: what <paramref name="ready"/> writes runs while both commands start (starting a zfs
    /// process costs about what a small write does, so the two overlap). Not ready, or failing, stops both.
    /// </summary>
    private static bool IsReady(Func<bool>? ready, Process sender, Process receiver)
    {
        var isReady = false;
        try
        {
            isReady = ready?.Invoke() ?? true;
            return isReady;
        }
        finally
        {
            if (!isReady)
            {
                Kill(receiver);
                Kill(sender);
            }
        }
    }

    /// <summary>
    /// Without a rate limit the stream never enters this process (splice); cancelling kills both processes, which
    /// ends the move at once.
    /// </summary>
    private static KernelPipe.Outcome MoveInKernel(Process sender, Process receiver, Progress progress, CancellationToken cancellation)
    {
        using var stop = cancellation.Register(() =>
        {
            Kill(receiver);
            Kill(sender);
        });
        return KernelPipe.Move(sender.StandardOutput.BaseStream, receiver.StandardInput.BaseStream, bytes => progress.Bytes += bytes);
    }

    /// <summary>Bytes through so far, also when the copy is cut off.</summary>
    private sealed class Progress
    {
        public long Bytes { get; set; }
    }

    private static void Copy(Stream source, Stream destination, long? bytesPerSecond, Stopwatch clock, Progress progress, CancellationToken cancellation)
    {
        var buffer = new byte[BufferSize];
        int read;
        var limit = bytesPerSecond is > 0 ? bytesPerSecond.Value : 0;
        // At most a second's worth per read, so a low limit is kept smoothly.
        var chunk = limit > 0 ? (int)Math.Clamp(limit, 1, BufferSize) : BufferSize;
        while ((read = source.ReadAsync(buffer.AsMemory(0, chunk), cancellation).AsTask().GetAwaiter().GetResult()) > 0)
        {
            destination.WriteAsync(buffer.AsMemory(0, read), cancellation).AsTask().GetAwaiter().GetResult();
            progress.Bytes += read;
            if (limit > 0)
            {
                var due = TimeSpan.FromSeconds((double)progress.Bytes / limit) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    Task.Delay(due, cancellation).GetAwaiter().GetResult();
                }
            }
        }

        destination.Flush();
    }

    private static Process? Start(ProcessStartInfo info, Command command, out CommandResult? problem)
    {
        problem = null;
        try
        {
            return Process.Start(info);
        }
        catch (Win32Exception exception)
        {
            problem = new CommandResult(command, 126, string.Empty, $"{info.FileName}: cannot be started (error {exception.NativeErrorCode})");
            return null;
        }
    }

    private static CommandResult Skipped(Command command) => new(command, -1, string.Empty, "not started");

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
    }

    private static void CloseQuietly(StreamWriter writer)
    {
        try
        {
            writer.Close();
        }
        catch (IOException)
        {
            // The reading side is gone; nothing more to tell it.
        }
    }
}
