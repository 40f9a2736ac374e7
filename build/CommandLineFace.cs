using CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ZfsAnsible.Executables;

/// <summary>
/// What every executable's command-line face shares (compiled into each, see NativeExecutable.props): results on
/// stdout, every log line on stderr, repeatable options, and the exit codes of a usage error.
/// </summary>
internal static class CommandLineFace
{
    public static ILoggerFactory StderrLogging() => LoggerFactory.Create(builder => builder
        .AddSimpleConsole(o => o.SingleLine = true)
        .AddFilter(level => level >= LogLevel.Information)
        .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

    /// <summary>Parser.Default's settings, plus repeatable options ("--dataset a --dataset b").</summary>
    public static Parser Parser() => new(settings =>
    {
        settings.HelpWriter = Console.Error;
        settings.AllowMultiInstance = true;
    });

    /// <summary>--help and --version are answers (0); anything else the parser refused is a usage error (2).</summary>
    public static int UsageExit(IEnumerable<Error> errors) => errors.IsHelp() || errors.IsVersion() ? 0 : 2;
}
