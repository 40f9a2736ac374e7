using System.Diagnostics;

namespace ZfsAnsible.Testing;

public sealed record ProcessOutcome(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>Runs a real program with an argument vector, an optional environment and a time limit.</summary>
public static class Processes
{
    public static ProcessOutcome Run(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null, byte[]? input = null)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repository.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"cannot start {program}");
        // Written while the outputs are read, so a large input cannot stall against a full output pipe.
        var writer = Task.Run(() =>
        {
            try
            {
                process.StandardInput.BaseStream.Write(input ?? []);
            }
            catch (IOException)
            {
                // It stopped reading (it refused the input): its answer says why.
            }
            finally
            {
                try
                {
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // Nobody reads any more; closing has nothing left to tell.
                }
            }
        });
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Bounded: a wedged zfs-fuse must fail one test, not stall the whole run.
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in time");
        }

        writer.GetAwaiter().GetResult();
        return new ProcessOutcome(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    public static string Check(string program, params string[] arguments)
    {
        var outcome = Run(program, arguments);
        return outcome.ExitCode == 0 ? outcome.StandardOutput : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {outcome}");
    }
}
