namespace ZfsAnsible.Domain.Pools;

/// <summary>Decides whether a declared property value already holds, the way a person would read them.</summary>
public static class PropertyValues
{
    /// <summary>"on" equals "ON"; "1M" equals "1048576"; "lz4" never equals "on"; "/Data" never equals "/data".</summary>
    public static bool AreEquivalent(string declared, string observed)
    {
        if (declared == observed || (IsKeyword(declared) && string.Equals(declared, observed, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        return Sizes.TryParse(declared, out var declaredBytes)
            && Sizes.TryParse(observed, out var observedBytes)
            && declaredBytes == observedBytes;
    }

    /// <summary>ZFS keywords (on, lz4, zstd-3) compare without case; paths, comments and user values do not.</summary>
    private static bool IsKeyword(string value) => value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
