using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Collections;
using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Policies;

/// <summary>
/// The inventory's <c>zfs_policies</c> and <c>zfs_datasets</c>, read from YAML or JSON (one text holding both, or
/// one text each). Other top-level keys are ignored: a vars file holds other variables too.
/// </summary>
public sealed record PolicyDocument(ValueDictionary<string, SnapshotPolicy> Policies, ValueArray<DatasetConfig> Datasets)
{
    /// <summary>An inventory file is kilobytes; this only stops a runaway input before it is parsed.</summary>
    public const int MaxTextLength = 16 * 1024 * 1024;

    public static PolicyDocument Empty { get; } =
        new(ImmutableSortedDictionary.Create<string, SnapshotPolicy>(StringComparer.Ordinal), []);

    /// <summary>One text (YAML or JSON) holding <c>zfs_policies</c>, <c>zfs_datasets</c>, or both.</summary>
    public static Result<PolicyDocument> Parse(string text) => ToResult(Read(text));

    /// <summary><c>zfs_policies</c> from one text (e.g. group_vars), <c>zfs_datasets</c> from another (e.g. host_vars).</summary>
    public static Result<PolicyDocument> Parse(string policiesText, string datasetsText) => ToResult(Read(policiesText, datasetsText));

    /// <summary>Parses and resolves, reporting problems of both steps in one error.</summary>
    /// <param name="pools">The host's pools; when given, a dataset in any other pool is an error.</param>
    public static Result<PolicyTree> ParseAndResolve(string text, IReadOnlyCollection<string>? pools = null) =>
        Resolve(Read(text), pools);

    public static Result<PolicyTree> ParseAndResolve(string policiesText, string datasetsText, IReadOnlyCollection<string>? pools) =>
        Resolve(Read(policiesText, datasetsText), pools);

    /// <summary>Policies of the first, datasets of the second.</summary>
    public static PolicyDocument Merge(PolicyDocument policiesFrom, PolicyDocument datasetsFrom) =>
        new(policiesFrom.Policies, datasetsFrom.Datasets);

    public Result<PolicyTree> Resolve(IReadOnlyCollection<string>? pools = null) => PolicyResolver.Resolve(Policies, Datasets, pools);

    /// <summary>Parser messages may quote the input: they must not break the one-line error.</summary>
    internal static string OneLine(string text)
    {
        var line = string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)).Trim();
        return line.Length > 300 ? line[..300] + "..." : line;
    }

    private static Result<PolicyTree> Resolve((PolicyDocument Document, List<string> Problems) read, IReadOnlyCollection<string>? pools)
    {
        var resolved = read.Document.Resolve(pools);
        if (read.Problems.Count == 0)
        {
            return resolved;
        }

        var later = resolved.Error is PolicyConfigurationError error ? error.Problems : [];
        return new PolicyConfigurationError([.. read.Problems, .. later]);
    }

    private static Result<PolicyDocument> ToResult((PolicyDocument Document, List<string> Problems) read) =>
        read.Problems.Count == 0 ? Result.Ok(read.Document) : new PolicyConfigurationError(read.Problems);

    private static (PolicyDocument, List<string>) Read(string text)
    {
        var reader = new DocumentReader();
        var root = Root(text, "the policy document", reader.Problems);
        if (root is not null && !root.ContainsKey(DocumentReader.PoliciesKey) && !root.ContainsKey(DocumentReader.DatasetsKey))
        {
            reader.Problems.Add($"the policy document holds neither {DocumentReader.PoliciesKey} nor {DocumentReader.DatasetsKey}");
        }

        return (new PolicyDocument(reader.ReadPolicies(root?[DocumentReader.PoliciesKey]), reader.ReadDatasets(root?[DocumentReader.DatasetsKey])), reader.Problems);
    }

    private static (PolicyDocument, List<string>) Read(string policiesText, string datasetsText)
    {
        var reader = new DocumentReader();
        var policiesRoot = Root(policiesText, "the policies document", reader.Problems);
        var datasetsRoot = Root(datasetsText, "the datasets document", reader.Problems);
        if (policiesRoot is not null && !policiesRoot.ContainsKey(DocumentReader.PoliciesKey))
        {
            reader.Problems.Add($"the policies document has no {DocumentReader.PoliciesKey}");
        }

        if (datasetsRoot is not null && !datasetsRoot.ContainsKey(DocumentReader.DatasetsKey))
        {
            reader.Problems.Add($"the datasets document has no {DocumentReader.DatasetsKey}");
        }

        return (new PolicyDocument(reader.ReadPolicies(policiesRoot?[DocumentReader.PoliciesKey]), reader.ReadDatasets(datasetsRoot?[DocumentReader.DatasetsKey])), reader.Problems);
    }

    /// <summary>The top-level mapping, or null with the reason added to <paramref name="problems"/>.</summary>
    private static JsonObject? Root(string text, string what, List<string> problems)
    {
        if (text.Length > MaxTextLength)
        {
            problems.Add($"{what} is {text.Length} characters long; the maximum is {MaxTextLength}");
            return null;
        }

        var parsed = LooksLikeJson(text) ? ParseJson(text, what) : YamlToJson.Convert(text, what);
        if (!parsed.IsOk)
        {
            problems.Add(parsed.Error.Message);
            return null;
        }

        if (parsed.Value is JsonObject root)
        {
            return root;
        }

        problems.Add(parsed.Value is null
            ? $"{what} is empty; expected a mapping with {DocumentReader.PoliciesKey} and/or {DocumentReader.DatasetsKey}"
            : $"{what} must be a mapping with {DocumentReader.PoliciesKey} and/or {DocumentReader.DatasetsKey}, got {DocumentReader.Describe(parsed.Value)}");
        return null;
    }

    private static bool LooksLikeJson(string text)
    {
        var start = text.AsSpan().TrimStart();
        return start.Length > 0 && start[0] is '{' or '[';
    }

    /// <summary>JSON first for text that looks like it; YAML flow style ("{zfs_policies: {}}") also starts with '{', so YAML is the fallback.</summary>
    private static Result<JsonNode?> ParseJson(string text, string what)
    {
        try
        {
            var node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = YamlToJson.MaxDepth });
            return Result.Ok(node);
        }
        catch (JsonException e)
        {
            var yaml = YamlToJson.Convert(text, what);
            // Our own wording: framework messages are resource keys in the trimmed executables.
            return yaml.IsOk ? yaml : Result<JsonNode?>.Fail($"{what} is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
    }
}
