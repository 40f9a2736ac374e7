using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using ZfsAnsible.Domain;

namespace ZfsAnsible.Api.Configuration;

/// <summary>/etc/zfsansible/zfs-api.json as written (the role writes it; a person may too). Every key is optional but cert and key.</summary>
public sealed record ApiConfig(
    string Listen = ApiConfig.DefaultListen,
    string? Cert = null,
    string? Key = null,
    string? TokenFile = null,
    string? Hostname = null,
    double CacheSeconds = 10,
    double TimeoutSeconds = 8,
    int MaxConnections = 64)
{
    public const string DefaultListen = "0.0.0.0:9742";
    public const string DefaultPath = "/etc/zfsansible/zfs-api.json";

    /// <summary>
    /// Reads the file (none: every setting from <paramref name="adjust"/>), lets the command line's options win over it,
    /// and checks the result: one line naming every problem, or the settings the service runs with.
    /// </summary>
    public static Result<ApiSettings> Load(string? path, Func<ApiConfig, ApiConfig>? adjust = null)
    {
        var read = path is null ? Result.Ok(new ApiConfig()) : Read(path);
        if (!read.IsOk)
        {
            return read.Error;
        }

        var settings = (adjust?.Invoke(read.Value) ?? read.Value).Check();
        return settings.IsOk || path is null ? settings : Result<ApiSettings>.Fail($"the configuration {path}: {settings.Error.Message}");
    }

    private static Result<ApiConfig> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return Result<ApiConfig>.Fail($"cannot read the configuration {path}: {(exception is FileNotFoundException or DirectoryNotFoundException ? "no such file" : exception is UnauthorizedAccessException ? "permission denied" : "I/O error")}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException exception)
        {
            return Result<ApiConfig>.Fail($"the configuration {path} is not valid: malformed JSON (line {exception.LineNumber + 1})");
        }

        using (document)
        {
            // Keys are checked here rather than by the serializer: its messages are resource keys in these trimmed binaries.
            var known = ApiConfigJson.Default.ApiConfig.Properties.Select(p => p.Name).ToList();
            var unknown = document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.EnumerateObject().Select(p => p.Name).FirstOrDefault(name => !known.Contains(name, StringComparer.Ordinal))
                : null;
            if (unknown is not null)
            {
                return Result<ApiConfig>.Fail($"the configuration {path} is not valid: unknown key '{Domain.Naming.ZfsNames.Printable(unknown)}' (known: {string.Join(", ", known)})");
            }

            try
            {
                return document.Deserialize(ApiConfigJson.Default.ApiConfig) is { } config
                    ? Result.Ok(config)
                    : Result<ApiConfig>.Fail($"the configuration {path} is empty (null)");
            }
            catch (JsonException exception)
            {
                return Result<ApiConfig>.Fail($"the configuration {path} is not valid: {Describe(exception)}");
            }
        }
    }

    /// <summary>Every problem at once, in one line.</summary>
    public Result<ApiSettings> Check()
    {
        var problems = new List<string>();
        var endpoint = ParseListen(Listen);
        if (endpoint is null)
        {
            problems.Add($"listen must be ADDRESS:PORT with an IP address and a port from 1 to 65535 (e.g. {DefaultListen} or [::1]:9742), got '{Domain.Naming.ZfsNames.Printable(Listen)}'");
        }

        foreach (var (name, value, required) in new[] { ("cert", Cert, true), ("key", Key, true), ("token_file", TokenFile, false) })
        {
            if (value is null)
            {
                if (required)
                {
                    problems.Add($"{name} is required (a PEM file)");
                }
            }
            else if (!Path.IsPathFullyQualified(value) || value.Any(char.IsControl))
            {
                problems.Add($"{name} must be an absolute path");
            }
        }

        if (Hostname is not null && CheckHostname(Hostname) is { } badHostname)
        {
            problems.Add(badHostname);
        }

        if (CacheSeconds is < 0 or > 3600 || double.IsNaN(CacheSeconds))
        {
            problems.Add("cache_seconds must be from 0 to 3600");
        }

        if (TimeoutSeconds is < 1 or > 600 || double.IsNaN(TimeoutSeconds))
        {
            problems.Add("timeout_seconds must be from 1 to 600");
        }

        if (MaxConnections is < 1 or > 10_000)
        {
            problems.Add("max_connections must be from 1 to 10000");
        }

        return Result.From(problems, () => new ApiSettings(endpoint!, Cert!, Key!, TokenFile, Hostname ?? Dns.GetHostName(),
            TimeSpan.FromSeconds(CacheSeconds), TimeSpan.FromSeconds(TimeoutSeconds), MaxConnections));
    }

    /// <summary>The hostname label: what a person would type for a host, nothing a label or a log line must escape.</summary>
    public static string? CheckHostname(string hostname) =>
        hostname.Length is 0 or > 253 || !hostname.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')
            ? "hostname must be 1 to 253 letters, digits, '-', '.' or '_'"
            : null;

    public static IPEndPoint? ParseListen(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port is > 0 and <= 65535 && text.Contains(':', StringComparison.Ordinal)
            && text.EndsWith(endpoint.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            ? endpoint
            : null;

    /// <summary>System.Text.Json's messages name the .NET type; this says where in the file, in the config's words.</summary>
    private static string Describe(JsonException exception) =>
        exception.Path is { Length: > 1 } at
            ? $"{at.TrimStart('$', '.')}: wrong type or malformed value (line {exception.LineNumber + 1})"
            : $"not a JSON object of settings (line {exception.LineNumber + 1})";
}

/// <summary>The checked configuration the service runs with.</summary>
public sealed record ApiSettings(IPEndPoint Listen, string Cert, string Key, string? TokenFile, string Hostname, TimeSpan CacheTtl, TimeSpan Timeout, int MaxConnections);

// RespectNullableAnnotations: {"listen": null} is a wrong type, not a null where the code expects text.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, RespectNullableAnnotations = true,
    AllowTrailingCommas = false, ReadCommentHandling = JsonCommentHandling.Disallow, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ApiConfig))]
public sealed partial class ApiConfigJson : JsonSerializerContext;
