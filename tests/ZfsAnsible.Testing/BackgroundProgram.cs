using System.Diagnostics;

namespace ZfsAnsible.Testing;

/// <summary>A real program a test runs as a service (a server, a scraper): its output is kept, Dispose stops it.</summary>
public sealed class BackgroundProgram : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    public BackgroundProgram(string program, IEnumerable<string> arguments)
    {
        Name = Path.GetFileName(program);
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        _process = Process.Start(startInfo) ?? throw new InvalidOperationException($"cannot start {program}");
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything it printed so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Waits until it accepts connections on <paramref name="port"/>; fails with its output when it exits first.</summary>
    public void WaitUntilListening(int port) => Polling.Eventually(
        () => !HasExited ? Loopback.Listening(port) : throw new InvalidOperationException($"{Name} exited: {Output}"),
        $"{Name} listening on 127.0.0.1:{port}");

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }
}
