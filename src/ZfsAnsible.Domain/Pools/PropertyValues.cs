namespace ZfsAnsible.Domain.Pools;

/// <summary>Decides whether a declared property value already holds, the way a person would read them.</summary>
public static class PropertyValues
{
    /// <summary>"on" equals "ON"; "1M" equals "1048576"; "lz4" never equals "on".</summary>
    public static bool AreEquivalent(string declared, string observed)
    {
        if (string.Equals(declared, observed, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return Sizes.TryParse(declared, out var declaredBytes)
            && Sizes.TryParse(observed, out var observedBytes)
            && declaredBytes == observedBytes;
    }
}
