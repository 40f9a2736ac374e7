using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace ZfsAnsible.Executables;

// The two pieces CommandLineFace.StderrLogging gives the console logger in place of a dependency-injection container.

/// <summary>
/// "info: zfs_replicate[0] replicated 1 of 1 datasets": the console logger's simple format on one line, without
/// colours (the lines go to a terminal, a timer's journal or a test's capture alike).
/// </summary>
internal sealed class OneLineFormatter() : ConsoleFormatter(Id)
{
    public const string Id = "zfsansible-one-line";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        var level = logEntry.LogLevel switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
        var exception = logEntry.Exception is { } e ? " " + e : string.Empty;
        textWriter.WriteLine($"{level}: {logEntry.Category}[{logEntry.EventId.Id}] {message}{exception}".ReplaceLineEndings(" "));
    }
}

/// <summary>Console options that never change: what the console logger asks an options monitor for, without a container.</summary>
internal sealed class FixedConsoleOptions(ConsoleLoggerOptions value) : IOptionsMonitor<ConsoleLoggerOptions>
{
    public ConsoleLoggerOptions CurrentValue => value;

    public ConsoleLoggerOptions Get(string? name) => value;

    public IDisposable? OnChange(Action<ConsoleLoggerOptions, string?> listener) => null;
}
