using System.Collections.Immutable;
using System.Text;

namespace ZfsAnsible.Domain.Replication;

/// <summary>
/// How a source snapshot says which targets received it last: the user property zfsansible:replicated (ZfsAnsibleProperties.Replicated) holds the
/// ids ("host:target_root") of those targets, comma-separated, and each target also has its own user hold. So a
/// pull to the backup server and an offsite push of the same dataset each keep their own base.
/// </summary>
public static class ReplicationMark
{
    /// <summary>A target: the host that receives and the root the datasets land under.</summary>
    public static string TargetId(string receivingHost, string targetRoot) => $"{receivingHost}:{targetRoot}";

    public static ImmutableSortedSet<string> Parse(string marks) =>
        [.. marks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public static string Format(IEnumerable<string> ids) => string.Join(',', ids.Order(StringComparer.Ordinal));

    /// <summary>The hold tag of one target: short and fixed-length whatever the id (hold tags are limited in length).</summary>
    public static string HoldTag(string targetId) =>
        HoldTagPrefix + Convert.ToHexStringLower(Sha256.Hash(Encoding.UTF8.GetBytes(targetId)))[..16];

    /// <summary>Whether <paramref name="tag"/> has the form of <see cref="HoldTag"/>: the only holds a source serves.</summary>
    public static bool IsHoldTag(string tag) =>
        tag.Length == HoldTagPrefix.Length + 16 && tag.StartsWith(HoldTagPrefix, StringComparison.Ordinal) && tag[HoldTagPrefix.Length..].All(char.IsAsciiHexDigitLower);

    private const string HoldTagPrefix = "zfsansible-replica-";
}
