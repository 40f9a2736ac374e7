using CommandLine;
using CommandLine.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ZfsAnsible.Executables;

/// <summary>
/// What every executable's command-line face shares (compiled into each, see NativeExecutable.props): results on
/// stdout, every log line on stderr, repeatable options, and the exit codes of a usage error.
/// </summary>
internal static class CommandLineFace
{
    /// <summary>
    /// Microsoft.Extensions.Logging's console logger, one line per entry, every level on stderr. Assembled by hand:
    /// LoggerFactory.Create builds a dependency-injection container by reflection first, for the same logger: about
    /// 10 ms of every start here, 0.3 s in the emulated OpenZFS guest (build/ConsoleLogging.cs has the pieces).
    /// </summary>
    public static ILoggerFactory StderrLogging()
    {
        var factory = new LoggerFactory([], new LoggerFilterOptions { MinLevel = LogLevel.Information });
        // Added, not passed to the constructor: the factory then owns it, and disposing it flushes the queued lines.
        factory.AddProvider(new ConsoleLoggerProvider(
            new FixedConsoleOptions(new() { FormatterName = OneLineFormatter.Id, LogToStandardErrorThreshold = LogLevel.Trace }),
            [new OneLineFormatter()]));
        return factory;
    }

    /// <summary>
    /// Parses <paramref name="args"/> as exactly one of <paramref name="verbs"/> and runs it. There is no default
    /// verb: a mistyped or missing verb, an unknown option or a missing value is a usage error (exit 2) and runs
    /// nothing, because a default that changes things would run on every typo (and on a stray path argument).
    /// --help and --version answer on stdout with exit 0.
    /// </summary>
    public static int Dispatch(string name, string[] args, Type[] verbs, Func<object, int> run)
    {
        // No help writer: the parser would print its own banner ("name 1.0.0", "Copyright (C) ...") to stderr.
        using var parser = new Parser(settings =>
        {
            settings.HelpWriter = null;
            settings.AllowMultiInstance = true;
            settings.CaseInsensitiveEnumValues = true;
        });
        var parsed = parser.ParseArguments(args, verbs);
        if (parsed.Tag == ParserResultType.Parsed && MissingValue(args, parsed.TypeInfo.Current) is { } option)
        {
            Console.Error.WriteLine($"usage: {name} VERB [OPTIONS]   (option {option} needs a value; {name} {args[0]} --help lists the options)");
            return 2;
        }

        if (parsed is NotParsed<object> notParsed && BadChoice(args, notParsed.Errors, parsed.TypeInfo.Current) is { } choice)
        {
            Console.Error.WriteLine($"usage: {name} VERB [OPTIONS]   ({choice}; {name} {args[0]} --help lists the options)");
            return 2;
        }

        return parsed.MapResult(run, errors => Usage(name, parsed, [.. errors]));
    }

    /// <summary>
    /// An option that takes a value but was given none ("run --max-destroy" at the end, or followed by another
    /// "--option"): the parser would quietly use the default, and a run the person did not mean would go ahead.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2070",
        Justification = "Every verb type is kept whole by a DynamicDependency on its Program's Main, as CommandLineParser itself needs.")]
    private static string? MissingValue(string[] args, Type verb)
    {
        var valued = verb.GetProperties()
            .Where(p => p.PropertyType != typeof(bool))
            .Select(p => p.GetCustomAttributes(typeof(OptionAttribute), inherit: true).OfType<OptionAttribute>().FirstOrDefault())
            .OfType<OptionAttribute>()
            .SelectMany(o => new[] { "--" + o.LongName, o.ShortName.Length > 0 ? "-" + o.ShortName : null })
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (valued.Contains(args[i]) && (i + 1 == args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
            {
                return args[i];
            }
        }

        return null;
    }

    /// <summary>
    /// An enum option given a word it does not know: the parser only says "bad format", so this names the choices,
    /// in the lower case the module options use.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2070",
        Justification = "Every verb type is kept whole by a DynamicDependency on its Program's Main, as CommandLineParser itself needs.")]
    private static string? BadChoice(string[] args, IEnumerable<Error> errors, Type verb)
    {
        foreach (var error in errors.OfType<BadFormatConversionError>())
        {
            var option = "--" + error.NameInfo.LongName;
            var property = verb.GetProperties().FirstOrDefault(p =>
                p.GetCustomAttributes(typeof(OptionAttribute), inherit: true).OfType<OptionAttribute>().Any(o => o.LongName == error.NameInfo.LongName));
            var given = Array.IndexOf(args, option) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : string.Empty;
            if (property?.PropertyType is { IsEnum: true } type)
            {
                var choices = string.Join(" or ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()));
                return $"option {option} takes {choices}, got '{given}'";
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="option"/> (--options-file) stands alone but for <paramref name="beside"/> (--json,
    /// --dry-run): two sources of one option would leave a person guessing which one the run used.
    /// </summary>
    public static bool StandsAlone(string name, string[] args, string option, params string[] beside)
    {
        var others = args.Skip(1).Where(a => a.StartsWith('-') && a != option && !beside.Contains(a)).ToList();
        if (others.Count > 0)
        {
            Console.Error.WriteLine($"usage: {name} {args[0]} {option} FILE [{string.Join("] [", beside)}]   (the options come from the file; {string.Join(", ", others)} cannot be given beside it)");
        }

        return others.Count == 0;
    }

    private static int Usage(string name, ParserResult<object> parsed, Error[] errors)
    {
        if (errors.IsVersion())
        {
            Console.Out.WriteLine($"{name} {typeof(CommandLineFace).Assembly.GetName().Version}");
            return 0;
        }

        var asked = errors.IsHelp();
        var help = HelpText.AutoBuild(parsed, text =>
        {
            text.Heading = $"usage: {name} VERB [OPTIONS]   ({name} --help lists the verbs, {name} VERB --help their options)";
            text.Copyright = string.Empty;
            return HelpText.DefaultParsingErrorsHandler(parsed, text);
        }, example => example, verbsIndex: parsed.TypeInfo.Current == typeof(NullInstance));
        (asked ? Console.Out : Console.Error).WriteLine(help.ToString().TrimEnd());
        return asked ? 0 : 2;
    }
}
