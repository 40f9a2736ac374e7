using System.Text.Json.Nodes;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Policies.Tests;

public class PropertyValueReaderTests
{
    [Fact]
    public void Yaml_booleans_become_on_and_off_and_numbers_keep_their_text()
    {
        var read = PropertyValueReader.ReadChecked("properties", JsonNode.Parse("""{"atime": false, "compression": true, "ashift": 12, "comment": "a b"}""")!.AsObject(), PropertyHolder.Pool);
        Assert.Equal(["ashift=12", "atime=off", "comment=a b", "compression=on"], read.Value.Select(p => $"{p.Key}={p.Value}"));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_in_the_same_words_as_the_inventory()
    {
        var read = PropertyValueReader.ReadChecked("filesystem_properties", JsonNode.Parse("""{"Bad": "x", "quota": [1], "zfsansible:policy": "p", "comment": "ok"}""")!.AsObject(), PropertyHolder.Dataset);
        var message = read.Error!.Message;
        Assert.Contains("filesystem_properties: invalid property name 'Bad'", message, StringComparison.Ordinal);
        Assert.Contains("filesystem_properties: property 'quota' must be a string, number or on/off, got a list", message, StringComparison.Ordinal);
        Assert.Contains("filesystem_properties: property 'zfsansible:policy' is reserved", message, StringComparison.Ordinal);
        Assert.DoesNotContain("comment", message, StringComparison.Ordinal);
    }
}
