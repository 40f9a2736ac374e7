using ZfsAnsible.Domain.Naming;

namespace ZfsAnsible.Domain.Properties;

/// <summary>What a property is set on: their native names differ (pools also have feature@ names).</summary>
public enum PropertyHolder
{
    Dataset,
    Pool,
}

/// <summary>
/// The one rule for a property name and value anyone declares (a dataset's properties, a pool's properties and its
/// root filesystem's), checked before any of it reaches a command line.
/// </summary>
public static class ZfsPropertyRules
{
    /// <summary>ZAP_MAXNAMELEN - 1.</summary>
    public const int MaxNameLength = 255;

    /// <summary>ZFS_MAXPROPLEN - 1: the longest value ZFS stores for a user property.</summary>
    public const int MaxValueLength = 8191;

    /// <summary>
    /// Native properties are lower-case words (pools also take feature@name, datasets userquota@name and its kin);
    /// user properties contain a ':' and may also use '.', '-', '+' (zfsprops(7), zpoolprops(7)). The tool's own
    /// namespace is reserved: it writes those itself.
    /// </summary>
    public static string? Check(string subject, string name, string value, PropertyHolder holder = PropertyHolder.Dataset)
    {
        if (!IsValidName(name, holder))
        {
            var feature = holder == PropertyHolder.Pool ? ", feature@name" : ", userquota@name and its kin";
            return $"{subject}: invalid property name '{ZfsNames.Printable(name)}' (lower-case letters, digits and '_'{feature}; user properties also ':', '.', '-', '+' and must contain ':')";
        }

        if (ZfsAnsibleProperties.IsOwn(name))
        {
            return $"{subject}: property '{name}' is reserved: the tool writes the '{ZfsAnsibleProperties.Namespace}' properties itself from the policy";
        }

        if (value.Length > MaxValueLength)
        {
            return $"{subject}: property '{name}' has a value {value.Length} characters long; the maximum is {MaxValueLength}";
        }

        // zfs get -H separates fields by tabs and lines by newlines: a control character would corrupt every later read.
        if (value.Any(char.IsControl))
        {
            return $"{subject}: property '{name}' has a control character in its value '{ZfsNames.Printable(value)}'";
        }

        return null;
    }

    /// <summary>YAML reads "atime: off" as a boolean (as Ansible does); ZFS wants its own words back.</summary>
    public static string ValueOf(bool value) => value ? On : Off;

    /// <summary>Whether a boolean property (or one the tool wrote with <see cref="ValueOf"/>) reads on.</summary>
    public static bool IsOn(string? value) => value == On;

    private static bool IsValidName(string name, PropertyHolder holder)
    {
        if (name.Length is 0 or > MaxNameLength || !char.IsAsciiLetterLower(name[0]))
        {
            return false;
        }

        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            var prefix = name[..at];
            var target = name[(at + 1)..];
            return holder == PropertyHolder.Pool
                ? prefix == "feature" && target.Length > 0 && target.All(IsNativeCharacter)
                : QuotaPrefixes.Contains(prefix) && target.Length > 0 && target.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
        }

        var isUser = name.Contains(':', StringComparison.Ordinal);
        return name.All(c => IsNativeCharacter(c) || (isUser && c is ':' or '.' or '-' or '+'));
    }

    private const string On = "on";
    private const string Off = "off";

    /// <summary>The per-user, -group and -project quotas, set as userquota@alice (zfsprops(7)).</summary>
    private static readonly string[] QuotaPrefixes = ["userquota", "groupquota", "projectquota", "userobjquota", "groupobjquota", "projectobjquota"];

    private static bool IsNativeCharacter(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_';
}
