using System.Runtime.InteropServices;

namespace ZfsAnsible.Modules;

/// <summary>
/// SIGTERM, SIGINT and SIGHUP become a cancellation instead of an abrupt exit, so a long run stops its children,
/// releases what it holds (locks) and reports (docs/safety.md rule 4). Dispose restores the default handling.
/// </summary>
public sealed class SignalInterruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;

    public SignalInterruption()
    {
        _registrations = [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP }.Select(signal => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            Signal ??= context.Signal;
            _source.Cancel();
        }))];
    }

    public CancellationToken Token => _source.Token;

    /// <summary>The first signal received, if any.</summary>
    public PosixSignal? Signal { get; private set; }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }
}
