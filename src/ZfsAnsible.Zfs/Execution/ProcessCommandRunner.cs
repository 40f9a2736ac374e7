using System.ComponentModel;
using System.Diagnostics;

namespace ZfsAnsible.Zfs.Execution;

/// <summary>Starts real processes with an argument vector, C locale, no stdin but the command's own <see cref="Command.Input"/>.</summary>
public sealed class ProcessCommandRunner : ICommandRunner
{
    /// <summary>Where the ZFS tools live when a non-login SSH session has a short PATH.</summary>
    private static readonly string[] SystemDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    public CommandResult Run(Command command) => Started(command, process =>
    {
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new CommandResult(command, process.ExitCode, stdout, stderr.GetAwaiter().GetResult());
    });

    public string? LocalProgram(string program) => Locate(program);

    public CommandResult RunLines(Command command, LineHandler line) => Started(command, process =>
    {
        var stderr = process.StandardError.ReadToEndAsync();
        OutputLines.Read(process.StandardOutput, line);

        process.WaitForExit();
        return new CommandResult(command, process.ExitCode, string.Empty, stderr.GetAwaiter().GetResult());
    });

    public CommandResult RunDetaching(Command command) => Started(command, process =>
    {
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            return new CommandResult(command, 124, string.Empty, "did not finish in 2 minutes");
        }

        // A failed start left no daemon behind, so its output is sure to end.
        return new CommandResult(command, process.ExitCode, string.Empty, process.ExitCode == 0 ? string.Empty : process.StandardError.ReadToEnd());
    });

    /// <summary>Starts <paramref name="command"/> with its input (or none) on stdin and lets <paramref name="finish"/> wait for it; a program that cannot start is exit 126.</summary>
    private static CommandResult Started(Command command, Func<Process, CommandResult> finish)
    {
        var startInfo = StartInfo(command, out var problem);
        if (startInfo is null)
        {
            return problem!;
        }

        try
        {
            using var process = Process.Start(startInfo)!;
            try
            {
                // Small (a script): the pipe's buffer takes it before the program reads, so no writer thread is needed.
                process.StandardInput.Write(command.Input);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program ended without reading it: its exit status and stderr say why.
            }

            return finish(process);
        }
        catch (Win32Exception exception)
        {
            return new CommandResult(command, 126, string.Empty, $"{startInfo.FileName}: cannot be started (error {exception.NativeErrorCode})");
        }
    }

    /// <summary>
    /// Runs with this process's own stdin, stdout and stderr (a zfs send served to ssh streams straight through);
    /// returns the exit code.
    /// </summary>
    public static int RunAttached(Command command)
    {
        var startInfo = StartInfo(command, out var problem);
        if (startInfo is null)
        {
            Console.Error.WriteLine(problem!.StandardError);
            return problem.ExitCode;
        }

        startInfo.RedirectStandardInput = false;
        startInfo.RedirectStandardOutput = false;
        startInfo.RedirectStandardError = false;
        try
        {
            using var process = Process.Start(startInfo)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (Win32Exception exception)
        {
            Console.Error.WriteLine($"{startInfo.FileName}: cannot be started (error {exception.NativeErrorCode})");
            return 126;
        }
    }

    /// <summary>How every process of this layer starts: the program found on PATH or in the system directories, argv, C locale.</summary>
    internal static ProcessStartInfo? StartInfo(Command command, out CommandResult? problem)
    {
        problem = null;
        var program = Locate(command.Program);
        if (program is null)
        {
            problem = new CommandResult(command, 127, string.Empty, $"{command.Program}: command not found (searched PATH and {string.Join(", ", SystemDirectories)})");
            return null;
        }

        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Parsers read the C locale's output; a translated zpool would not parse.
        startInfo.Environment["LC_ALL"] = "C";
        return startInfo;
    }

    private static string? Locate(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemDirectories)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }
}
