using System.Diagnostics.CodeAnalysis;
using CommandLine;
using Microsoft.Extensions.Logging;
using ZfsAnsible.Api.Collection;
using ZfsAnsible.Api.Configuration;
using ZfsAnsible.Api.Metrics;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Executables.ZfsApi;

[Verb("serve", HelpText = "Serve the JSON API and /metrics over HTTPS (the systemd service's command).")]
internal sealed class ServeOptions
{
    [Option('c', "config", HelpText = "The configuration file (JSON). Without it, --cert and --key are required.")]
    public string? Config { get; set; }

    [Option("listen", HelpText = "ADDRESS:PORT to listen on (default " + ApiConfig.DefaultListen + ").")]
    public string? Listen { get; set; }

    [Option("cert", HelpText = "The certificate, PEM.")]
    public string? Cert { get; set; }

    [Option("key", HelpText = "The certificate's private key, PEM.")]
    public string? Key { get; set; }

    [Option("token-file", HelpText = "A file holding the bearer token every request must present.")]
    public string? TokenFile { get; set; }

    [Option("hostname", HelpText = "The hostname label of every series (default: this host's name).")]
    public string? Hostname { get; set; }
}

[Verb("check-config", HelpText = "Check a configuration file and exit: 0 when the service could start with it, 2 with the reason otherwise.")]
internal sealed class CheckConfigOptions
{
    [Option('c', "config", Default = ApiConfig.DefaultPath, HelpText = "The configuration file (JSON).")]
    public string Config { get; set; } = ApiConfig.DefaultPath;
}

[Verb("once", HelpText = "Collect once and print this host's metrics (the exposition /metrics serves) to stdout.")]
internal sealed class OnceOptions
{
    [Option("hostname", HelpText = "The hostname label of every series (default: this host's name).")]
    public string? Hostname { get; set; }
}

internal static class Program
{
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(ServeOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(CheckConfigOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(OnceOptions))]
    public static int Main(string[] args)
    {
        using var logging = CommandLineFace.StderrLogging();
        var log = logging.CreateLogger("zfs-api");
        var runner = new ProcessCommandRunner();
        return CommandLineFace.Dispatch("zfs-api", args, [typeof(ServeOptions), typeof(CheckConfigOptions), typeof(OnceOptions)], options => options switch
        {
            ServeOptions o => Serve(o, runner, log),
            CheckConfigOptions o => CheckConfig(o, log),
            OnceOptions o => Once(o, runner, log),
            _ => 2,
        });
    }

    private static int CheckConfig(CheckConfigOptions options, ILogger log)
    {
        var settings = ApiConfig.Load(options.Config).Bind(ApiServer.Prepare);
        if (!settings.IsOk)
        {
            log.LogError("{Reason}", settings.Error.Message);
            return 2;
        }

        using var certificate = settings.Value.Certificate;
        var checkedSettings = settings.Value.Settings;
        Console.Out.WriteLine($"{options.Config}: ok (listen {checkedSettings.Listen}, hostname {checkedSettings.Hostname}, token {(checkedSettings.TokenFile is null ? "not required" : "required")})");
        return 0;
    }

    private static int Once(OnceOptions options, ICommandRunner runner, ILogger log)
    {
        var hostname = options.Hostname ?? System.Net.Dns.GetHostName();
        if (ApiConfig.CheckHostname(hostname) is { } problem)
        {
            log.LogError("{Reason}", problem);
            return 2;
        }

        var collected = new HostCollector(runner, TimeProvider.System).Collect();
        var stats = collected.IsOk
            ? new CollectionStats(1, 0, collected.Value.Duration, collected.Value.CollectedAt, null)
            : new CollectionStats(1, 1, TimeSpan.Zero, null, collected.Error.Message);
        Console.Out.Write(PrometheusText.Write(HostMetrics.Of(collected.IsOk ? collected.Value : null, stats, hostname, DateTimeOffset.UtcNow)));
        if (!collected.IsOk)
        {
            log.LogError("{Reason}", collected.Error.Message);
            return 1;
        }

        return 0;
    }

    private static int Serve(ServeOptions options, ICommandRunner runner, ILogger log)
    {
        // Options given beside --config win over the file, so a person can try another port without editing it.
        var settings = ApiConfig.Load(options.Config, config => config with
        {
            Listen = options.Listen ?? config.Listen,
            Cert = options.Cert ?? config.Cert,
            Key = options.Key ?? config.Key,
            TokenFile = options.TokenFile ?? config.TokenFile,
            Hostname = options.Hostname ?? config.Hostname,
        }).Bind(ApiServer.Prepare);
        if (!settings.IsOk)
        {
            log.LogError("{Reason}", settings.Error.Message);
            return 2;
        }

        return ApiServer.Run(settings.Value, runner);
    }
}
