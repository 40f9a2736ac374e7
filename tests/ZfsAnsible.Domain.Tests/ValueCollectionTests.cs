using System.Collections.Immutable;
using ZfsAnsible.Domain.Collections;
using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Domain.Tests;

public class ValueCollectionTests
{
    [Fact]
    public void Arrays_compare_by_their_items_and_hash_alike()
    {
        ValueArray<string> a = ImmutableArray.Create("x", "y");
        ValueArray<string> b = ["x", "y"];
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, ["y", "x"]);
        Assert.True(default(ValueArray<string>).IsEmpty);
        Assert.Equal(default, (ValueArray<string>)ImmutableArray<string>.Empty);
    }

    [Fact]
    public void Dictionaries_compare_by_entries_whatever_their_order_of_building()
    {
        ValueDictionary<string, int> a = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("a", 1), KeyValuePair.Create("b", 2)]);
        ValueDictionary<string, int> b = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("b", 2), KeyValuePair.Create("a", 1)]);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("a", 1)]));
        Assert.NotEqual(a, ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("a", 1), KeyValuePair.Create("b", 3)]));
    }

    [Fact]
    public void Dictionaries_with_a_case_insensitive_comparer_hash_alike_when_equal()
    {
        ValueDictionary<string, int> a = ImmutableSortedDictionary.CreateRange(StringComparer.OrdinalIgnoreCase, [KeyValuePair.Create("A", 1)]);
        ValueDictionary<string, int> b = ImmutableSortedDictionary.CreateRange(StringComparer.OrdinalIgnoreCase, [KeyValuePair.Create("a", 1)]);
        Assert.Equal(a, b);
        Assert.Equal(b, a);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void A_derived_error_prints_only_its_message() =>
        Assert.Equal("one line", new PolicyConfigurationError(["one line"]).ToString().Replace("invalid policy configuration: ", string.Empty, StringComparison.Ordinal));

    [Fact]
    public void Records_holding_them_get_value_equality_without_hand_written_equals()
    {
        var one = SnapshotPolicy.Create("standard", true, (Interval.Hourly, 24), (Interval.Daily, 7));
        var other = SnapshotPolicy.Create("standard", true, (Interval.Daily, 7), (Interval.Hourly, 24));
        Assert.Equal(one, other);
        Assert.Equal(one.GetHashCode(), other.GetHashCode());
        Assert.NotEqual(one, SnapshotPolicy.Create("standard", true, (Interval.Hourly, 24)));
        var properties = ImmutableSortedDictionary.CreateRange(StringComparer.OrdinalIgnoreCase, [KeyValuePair.Create("compression", "lz4")]);
        Assert.Equal(new DatasetConfig("tank/a", Properties: properties), new DatasetConfig("tank/a", Properties: properties.WithComparers(StringComparer.Ordinal)));
    }
}
