using System.Collections.Immutable;
using System.Text;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;

namespace ZfsAnsible.Zfs.Serving;

/// <summary>
/// The command a pull asked an ssh forced command for (SSH_ORIGINAL_COMMAND), read back into words. Only the form
/// <see cref="Execution.SshEndpoint.Wrap"/> writes is understood: words of plain characters or single-quoted text
/// (with <c>'\''</c> for a quote), separated by spaces. Anything else a shell would interpret — <c>;</c>, <c>|</c>,
/// <c>$</c>, backquotes, redirections, double quotes, newlines — is refused, never passed on.
/// </summary>
public static class RemoteCommandLine
{
    /// <summary>Far above any command a pull sends; a longer line is not one of ours.</summary>
    public const int MaxLength = 64 * 1024;

    private const string PlainCharacters = "_@%+=:,./-";

    /// <summary>The words, with a leading "env NAME=value …" dropped: serve runs every command in its own environment.</summary>
    public static Result<ImmutableArray<string>> Parse(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return Result<ImmutableArray<string>>.Fail("no command was given (an interactive login is refused)");
        }

        if (line.Length > MaxLength)
        {
            return Result<ImmutableArray<string>>.Fail($"the command is {line.Length} characters long; the limit is {MaxLength}");
        }

        var words = ImmutableArray.CreateBuilder<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == ' ')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == '\'')
            {
                var end = line.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    return Result<ImmutableArray<string>>.Fail("the command has an unterminated quote");
                }

                var quoted = line[(i + 1)..end];
                if (quoted.Any(char.IsControl))
                {
                    return Result<ImmutableArray<string>>.Fail("the command holds a control character");
                }

                word.Append(quoted);
                i = end;
            }
            else if (c == '\\' && i + 1 < line.Length && line[i + 1] == '\'')
            {
                word.Append('\'');
                i++;
            }
            else if (char.IsAsciiLetterOrDigit(c) || PlainCharacters.Contains(c, StringComparison.Ordinal))
            {
                word.Append(c);
            }
            else
            {
                return Result<ImmutableArray<string>>.Fail($"the command holds shell syntax ('{ZfsNames.Printable(c.ToString())}'); only plain or single-quoted words are served");
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return Result.Ok(WithoutEnvironment(words.ToImmutable()));
    }

    private static ImmutableArray<string> WithoutEnvironment(ImmutableArray<string> words)
    {
        if (words.IsEmpty || words[0] != "env")
        {
            return words;
        }

        return [.. words.Skip(1).SkipWhile(IsAssignment)];
    }

    private static bool IsAssignment(string word)
    {
        var equals = word.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && word[..equals].All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(word[0]);
    }
}
