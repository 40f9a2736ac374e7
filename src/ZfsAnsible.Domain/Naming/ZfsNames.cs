namespace ZfsAnsible.Domain.Naming;

/// <summary>
/// ZFS's own naming rules (module/zcommon/zfs_namecheck.c), checked before a name ever reaches argv.
/// A name that passes can never be read as an option: every rule requires a leading letter or digit.
/// </summary>
public static class ZfsNames
{
    /// <summary>ZFS_MAX_DATASET_NAME_LEN is 256 including the terminating NUL.</summary>
    public const int MaxNameLength = 255;

    /// <summary>libzfs refuses names beginning with these, and the exact name "log".</summary>
    private static readonly string[] ReservedPoolPrefixes = ["mirror", "raidz", "draid", "spare"];

    public static Error? CheckPoolName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return new Error("pool name is empty");
        }

        if (name.Length > MaxNameLength)
        {
            return new Error($"pool name is {name.Length} characters long; the maximum is {MaxNameLength}");
        }

        if (!char.IsAsciiLetter(name[0]))
        {
            return new Error($"invalid pool name '{Printable(name)}': it must begin with a letter");
        }

        if (FirstInvalidCharacter(name) is { } bad)
        {
            return new Error($"invalid pool name '{Printable(name)}': character '{Printable(bad.ToString())}' is not allowed (letters, digits, '_', '-', '.', ':' only)");
        }

        if (name == "log")
        {
            return new Error("invalid pool name 'log': the name is reserved by ZFS");
        }

        foreach (var reserved in ReservedPoolPrefixes)
        {
            if (name.StartsWith(reserved, StringComparison.Ordinal))
            {
                return new Error($"invalid pool name '{name}': names beginning with '{reserved}' are reserved by ZFS");
            }
        }

        if (name.Length >= 2 && name[0] == 'c' && char.IsAsciiDigit(name[1]))
        {
            return new Error($"invalid pool name '{name}': names of the form c[0-9]* are reserved by ZFS");
        }

        return null;
    }

    /// <summary>A filesystem or volume name: pool/child/... (no snapshot or bookmark part).</summary>
    public static Error? CheckDatasetName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return new Error("dataset name is empty");
        }

        if (name.Length > MaxNameLength)
        {
            return new Error($"dataset name is {name.Length} characters long; the maximum is {MaxNameLength}");
        }

        var components = name.Split('/');
        if (CheckPoolName(components[0]) is { } poolError)
        {
            return new Error($"invalid dataset name '{Printable(name)}': {poolError.Message}");
        }

        foreach (var component in components.Skip(1))
        {
            if (component.Length == 0)
            {
                return new Error($"invalid dataset name '{Printable(name)}': empty component (leading, trailing or double '/')");
            }

            if (component is "." or "..")
            {
                return new Error($"invalid dataset name '{Printable(name)}': component '{component}' is not allowed");
            }

            if (component[0] == '-')
            {
                return new Error($"invalid dataset name '{Printable(name)}': a component may not begin with '-'");
            }

            if (FirstInvalidCharacter(component) is { } bad)
            {
                return new Error($"invalid dataset name '{Printable(name)}': character '{Printable(bad.ToString())}' is not allowed (letters, digits, '_', '-', '.', ':' only)");
            }
        }

        return null;
    }

    /// <summary>Letters, digits and _-.: — ZFS also allows a space in dataset names, we do not: it breaks too many scripts.</summary>
    private static char? FirstInvalidCharacter(string text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':'))
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>Error texts must stay one line and printable whatever the input was.</summary>
    public static string Printable(string text)
    {
        const int Limit = 80;
        var builder = new System.Text.StringBuilder(Math.Min(text.Length, Limit + 3));
        foreach (var c in text.Length > Limit ? text[..Limit] : text)
        {
            builder.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString());
        }

        if (text.Length > Limit)
        {
            builder.Append("...");
        }

        return builder.ToString();
    }
}
