using System.Text.Json.Nodes;
using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.ModuleProtocol.Tests;

public class TypeCoercionTests
{
    private static JsonNode? Coerced(string json, ArgumentType type)
    {
        var (value, error) = TypeCoercion.Coerce(JsonNode.Parse(json), type);
        Assert.Null(error);
        return value;
    }

    private static string Refused(string json, ArgumentType type)
    {
        var (_, error) = TypeCoercion.Coerce(JsonNode.Parse(json), type);
        Assert.NotNull(error);
        return error;
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("\"yes\"", true)]
    [InlineData("\"on\"", true)]
    [InlineData("\"1\"", true)]
    [InlineData("\"True\"", true)]
    [InlineData("1", true)]
    [InlineData("\"no\"", false)]
    [InlineData("\"off\"", false)]
    [InlineData("\"0\"", false)]
    [InlineData("\"false\"", false)]
    [InlineData("0", false)]
    public void Booleans_follow_ansible(string json, bool expected) => Assert.Equal(expected, Coerced(json, ArgumentType.Bool)!.GetValue<bool>());

    [Theory]
    [InlineData("\"maybe\"")]
    [InlineData("2")]
    [InlineData("[]")]
    [InlineData("\"\"")]
    public void Non_booleans_are_refused_with_the_valid_words(string json) =>
        Assert.Contains("Valid booleans include", Refused(json, ArgumentType.Bool));

    [Theory]
    [InlineData("3", 3L)]
    [InlineData("\"3\"", 3L)]
    [InlineData("\" 42 \"", 42L)]
    [InlineData("-7", -7L)]
    public void Integers_follow_ansible(string json, long expected) => Assert.Equal(expected, Coerced(json, ArgumentType.Int)!.GetValue<long>());

    [Theory]
    [InlineData("\"three\"")]
    [InlineData("3.5")]
    [InlineData("4.0")]
    [InlineData("\"3.0\"")]
    [InlineData("\"99999999999999999999999\"")]
    [InlineData("true")]
    [InlineData("{}")]
    public void Non_integers_are_refused(string json) => Assert.Contains("unable to convert to int", Refused(json, ArgumentType.Int));

    [Fact]
    public void A_comma_string_becomes_a_list() =>
        Assert.Equal(["a", " b", "c"], Coerced("\"a, b,c\"", ArgumentType.List)!.AsArray().Select(n => n!.GetValue<string>()));

    [Fact]
    public void A_scalar_becomes_a_one_element_list() =>
        Assert.Equal("5", Coerced("5", ArgumentType.List)!.AsArray().Single()!.GetValue<string>());

    [Fact]
    public void Dicts_arrive_as_json_or_key_value_strings()
    {
        Assert.Equal("lz4", Coerced("\"{\\\"compression\\\": \\\"lz4\\\"}\"", ArgumentType.Dict)!["compression"]!.GetValue<string>());
        var pairs = Coerced("\"compression=lz4, atime=off\"", ArgumentType.Dict)!;
        Assert.Equal("off", pairs["atime"]!.GetValue<string>());
        Assert.Contains("unable to convert to dict", Refused("\"no-equals-sign\"", ArgumentType.Dict));
        Assert.Contains("unable to convert to dict", Refused("[1]", ArgumentType.Dict));
    }

    [Fact]
    public void Strings_accept_scalars_but_not_structures()
    {
        Assert.Equal("12", Coerced("12", ArgumentType.Str)!.GetValue<string>());
        Assert.Equal("True", Coerced("true", ArgumentType.Str)!.GetValue<string>());
        Assert.Contains("is of type list", Refused("[\"a\"]", ArgumentType.Str));
        Assert.Contains("is of type dict", Refused("{}", ArgumentType.Str));
    }
}
