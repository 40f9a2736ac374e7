using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Policies;

/// <summary>
/// The one reading of declared property values from YAML or JSON, for the inventory's datasets and for zfs_pool:
/// YAML reads "atime: off" as a boolean (as Ansible does), so ZFS gets on/off back; numbers keep their text.
/// </summary>
public static class PropertyValueReader
{
    public static Result<string> Read(string subject, string name, JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Result.Ok(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => Result.Ok(ZfsPropertyRules.ValueOf(v.GetValue<bool>())),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Result.Ok(v.ToJsonString()),
        _ => Result<string>.Fail($"{subject}: property '{ZfsNames.Printable(name)}' must be a string, number or on/off, got {DocumentReader.Describe(node)}"),
    };

    /// <summary>Every value read and every name and value checked by <see cref="ZfsPropertyRules"/>; all problems at once.</summary>
    public static Result<ImmutableSortedDictionary<string, string>> ReadChecked(string subject, IEnumerable<KeyValuePair<string, JsonNode?>> declared, PropertyHolder holder)
    {
        var properties = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, node) in declared)
        {
            var value = Read(subject, name, node);
            if (!value.IsOk)
            {
                problems.Add(value.Error.Message);
            }
            else if (ZfsPropertyRules.Check(subject, name, value.Value, holder) is { } problem)
            {
                problems.Add(problem);
            }
            else
            {
                properties[name] = value.Value;
            }
        }

        return Result.From(problems, properties.ToImmutable);
    }
}
