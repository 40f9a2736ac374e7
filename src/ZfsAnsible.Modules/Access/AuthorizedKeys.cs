using System.Text.RegularExpressions;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;

namespace ZfsAnsible.Modules.Access;

/// <summary>An OpenSSH public key line's key: type, base64 blob and comment.</summary>
public sealed partial record PublicKey(string Type, string Blob, string Comment)
{
    public static Result<PublicKey> Parse(string text)
    {
        var match = KeyPattern().Match(text.Trim());
        return match.Success
            ? new PublicKey(match.Groups["type"].Value, match.Groups["blob"].Value, match.Groups["comment"].Value)
            : Result<PublicKey>.Fail($"public_key '{ZfsNames.Printable(text)}' is not one OpenSSH public key line (ssh-ed25519 AAAA... comment)");
    }

    /// <summary>A comment this key form accepts: one word of letters, digits and @._:+-.</summary>
    public static bool IsComment(string comment) => CommentPattern().IsMatch(comment);

    public override string ToString() => Comment.Length == 0 ? $"{Type} {Blob}" : $"{Type} {Blob} {Comment}";

    // No quote, backslash or line break anywhere: the key is written into a line sshd parses.
    [GeneratedRegex(@"^(?<type>ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) (?<blob>[A-Za-z0-9+/]{16,16384}={0,3})( (?<comment>[A-Za-z0-9@._:+\-]{1,128}))?\z")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[A-Za-z0-9@._:+\-]{1,128}\z")]
    private static partial Regex CommentPattern();
}

/// <summary>
/// The line of authorized_keys that lets a backup server in, and nothing else: on a source, <c>restrict</c> (no pty,
/// no forwarding) with the forced command <c>zfs_replicate serve --allow …</c>; on an offsite target, which receives,
/// <c>restrict</c> alone. Pure text editing: every other line stays byte for byte.
/// </summary>
public static class AuthorizedKeys
{
    public static string ServeLine(PublicKey key, string program, IEnumerable<string> roots) =>
        $"restrict,command=\"{program} serve {string.Join(' ', roots.Select(r => $"--allow {r}"))}\" {key}";

    public static string ReceiveLine(PublicKey key) => $"restrict {key}";

    /// <summary>
    /// The file with the key's line set to <paramref name="line"/> (null removes it): the first line holding the same
    /// key is replaced and any other dropped; without one, the line is appended.
    /// </summary>
    public static string Apply(string? existing, PublicKey key, string? line)
    {
        var lines = (existing ?? string.Empty).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var result = new List<string>();
        var placed = false;
        foreach (var current in lines)
        {
            if (!Holds(current, key))
            {
                result.Add(current);
                continue;
            }

            if (line is not null && !placed)
            {
                result.Add(line);
            }

            placed = true;
        }

        if (line is not null && !placed)
        {
            result.Add(line);
        }

        return result.Count == 0 ? string.Empty : string.Join('\n', result) + "\n";
    }

    /// <summary>The line's key fields (after any options) are this key's type and blob.</summary>
    public static bool Holds(string line, PublicKey key)
    {
        var words = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
        return Enumerable.Range(0, Math.Max(0, words.Length - 1)).Any(i => words[i] == key.Type && words[i + 1] == key.Blob);
    }
}
