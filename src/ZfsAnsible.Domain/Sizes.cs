using System.Globalization;

namespace ZfsAnsible.Domain;

/// <summary>ZFS's human sizes ("123M", "1.50G", "512") in bytes, for CLIs that cannot print -p.</summary>
public static class Sizes
{
    private const string Suffixes = "BKMGTPE";

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text) || text == "-")
        {
            return false;
        }

        var trimmed = text.Trim();
        var exponent = 0;
        var last = char.ToUpperInvariant(trimmed[^1]);
        if (trimmed.Length > 1 && last == 'B' && Suffixes.Contains(char.ToUpperInvariant(trimmed[^2]), StringComparison.Ordinal))
        {
            trimmed = trimmed[..^1];
            last = char.ToUpperInvariant(trimmed[^1]);
        }

        var suffixIndex = Suffixes.IndexOf(last, StringComparison.Ordinal);
        if (suffixIndex >= 0)
        {
            exponent = suffixIndex;
            trimmed = trimmed[..^1];
        }

        if (trimmed.Length == 0
            || !decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            || number < 0)
        {
            return false;
        }

        try
        {
            var scaled = number;
            for (var i = 0; i < exponent; i++)
            {
                scaled *= 1024;
            }

            bytes = (long)decimal.Round(scaled);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>"42%" or "42" as a whole percent; null for "-" (not reported by this ZFS).</summary>
    public static int? ParsePercent(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "-")
        {
            return null;
        }

        var trimmed = text.Trim().TrimEnd('%');
        return decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? (int)decimal.Round(value)
            : null;
    }
}
