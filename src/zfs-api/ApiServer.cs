using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ZfsAnsible.Api.Collection;
using ZfsAnsible.Api.Configuration;
using ZfsAnsible.Api.Http;
using ZfsAnsible.Api.Metrics;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Executables.ZfsApi;

/// <summary>The settings with their files read: the certificate loaded and the token's hash (the token itself is not kept).</summary>
internal sealed record PreparedServer(ApiSettings Settings, X509Certificate2 Certificate, byte[]? TokenHash);

/// <summary>
/// Kestrel alone behind one request delegate: GET /metrics and GET /api/... over HTTPS, an optional bearer token,
/// bounded connections, headers and time. Every answer comes from the shared <see cref="CollectionCache"/>; no part of
/// a request ever reaches a command line.
/// </summary>
internal static class ApiServer
{
    public const int MaxTokenBytes = 4096;

    /// <summary>Loads the certificate pair and the token: a bad file is one line at startup, never a failure later.</summary>
    public static Result<PreparedServer> Prepare(ApiSettings settings)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(settings.Cert, settings.Key);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            var why = exception switch
            {
                FileNotFoundException or DirectoryNotFoundException => "a file does not exist",
                UnauthorizedAccessException => "permission denied",
                _ => "not a PEM certificate and its matching private key",
            };
            return Result<PreparedServer>.Fail($"cannot load the certificate {settings.Cert} with the key {settings.Key}: {why}");
        }

        if (settings.TokenFile is null)
        {
            return Result.Ok(new PreparedServer(settings, certificate, null));
        }

        try
        {
            var info = new FileInfo(settings.TokenFile);
            var token = info.Exists && info.Length <= MaxTokenBytes ? File.ReadAllText(settings.TokenFile).Trim() : null;
            if (string.IsNullOrEmpty(token) || token.Any(char.IsControl))
            {
                certificate.Dispose();
                return Result<PreparedServer>.Fail($"the token file {settings.TokenFile} must exist and hold one line of at most {MaxTokenBytes} bytes");
            }

            return Result.Ok(new PreparedServer(settings, certificate, SHA256.HashData(Encoding.UTF8.GetBytes(token))));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            certificate.Dispose();
            return Result<PreparedServer>.Fail($"cannot read the token file {settings.TokenFile}: {(exception is UnauthorizedAccessException ? "permission denied" : "I/O error")}");
        }
    }

    public static int Run(PreparedServer server, ICommandRunner runner)
    {
        var settings = server.Settings;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "zfs-api" });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            // The host would log a failed start with its stack trace; Run says it in one line.
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = settings.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = 0;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Limits.MaxRequestHeaderCount = 50;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.MaxRequestBodySize = 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
            kestrel.Listen(settings.Listen, listen => listen.UseHttps(server.Certificate));
        });

        using var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("zfs-api");
        var collector = new HostCollector(runner, TimeProvider.System);
        var cache = new CollectionCache(collector.Collect, TimeProvider.System, settings.CacheTtl, settings.Timeout);
        app.Run(context => Handle(context, server, cache, log));
        try
        {
            app.Start();
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException)
        {
            // Address in use, not on this host, or a low port without the right: the configuration's to mend.
            log.LogError("cannot listen on {Listen}: {Reason}", settings.Listen, exception.Message);
            return 2;
        }
        catch (Exception exception) when (exception is InvalidOperationException or CryptographicException or UnauthorizedAccessException)
        {
            // The environment, not the configuration (e.g. no HOME for .NET's certificate stores): one line, and systemd may retry.
            log.LogError("cannot start: {Type}: {Reason}", exception.GetType().Name, exception.Message);
            return 1;
        }

        if (log.IsEnabled(LogLevel.Information))
        {
            log.LogInformation("listening on https://{Listen} as {Hostname}; token {Token}", settings.Listen, settings.Hostname, server.TokenHash is null ? "not required" : "required");
        }

        app.WaitForShutdown();
        return 0;
    }

    private static async Task Handle(HttpContext context, PreparedServer server, CollectionCache cache, ILogger log)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            await Write(context, ApiAnswer.Error(405, "read-only: GET and HEAD only")).ConfigureAwait(false);
            return;
        }

        if (server.TokenHash is { } expected && !Authorized(request, expected))
        {
            // The presented token is never logged, only that it was missing or wrong.
            var why = request.Headers.Authorization.Count == 0 ? "no bearer token" : "wrong bearer token";
            var shown = Printable(request.Path.Value);
            log.LogWarning("refused {Method} {Path} from {Remote}: {Why}", request.Method, shown, context.Connection.RemoteIpAddress, why);
            response.Headers.WWWAuthenticate = "Bearer realm=\"zfs-api\"";
            await Write(context, ApiAnswer.Error(401, "a bearer token is required")).ConfigureAwait(false);
            return;
        }

        var path = request.Path.Value ?? "/";
        if (path == "/metrics")
        {
            var view = await cache.GetAsync().ConfigureAwait(false);
            var families = HostMetrics.Of(view.State, view.Stats, server.Settings.Hostname, DateTimeOffset.UtcNow);
            await Write(context, new ApiAnswer(200, PrometheusText.ContentType, PrometheusText.Write(families))).ConfigureAwait(false);
            return;
        }

        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            var query = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, values) in request.Query)
            {
                if (values.Count != 1)
                {
                    await Write(context, ApiAnswer.Error(400, $"query parameter '{Printable(key)}' given {values.Count} times")).ConfigureAwait(false);
                    return;
                }

                query[key] = values[0] ?? string.Empty;
            }

            var view = await cache.GetAsync().ConfigureAwait(false);
            await Write(context, ApiRouter.Answer(path["/api/".Length..], query, view, server.Settings.Hostname, DateTimeOffset.UtcNow)).ConfigureAwait(false);
            return;
        }

        await Write(context, ApiAnswer.Error(404, "not found: GET /metrics, /api/health, /api/pools, /api/datasets, /api/compliance or /api/replication")).ConfigureAwait(false);
    }

    private static bool Authorized(HttpRequest request, byte[] expected)
    {
        const string scheme = "Bearer ";
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashes of equal length, compared in constant time: neither the token's length nor its prefix leaks.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(value[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    private static Task Write(HttpContext context, ApiAnswer answer)
    {
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsync(answer.Body);
    }

    private static string Printable(string? text) => ZfsNames.Printable(text ?? string.Empty);
}
