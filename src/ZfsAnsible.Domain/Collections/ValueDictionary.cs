using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace ZfsAnsible.Domain.Collections;

/// <summary>
/// An immutable sorted map that compares by its entries, so a record holding one gets value equality without
/// hand-written Equals. Converts to and from <see cref="ImmutableSortedDictionary{TKey,TValue}"/> implicitly.
/// </summary>
public readonly struct ValueDictionary<TKey, TValue> : IReadOnlyDictionary<TKey, TValue>, IEquatable<ValueDictionary<TKey, TValue>>
    where TKey : notnull
{
    private readonly ImmutableSortedDictionary<TKey, TValue>? _entries;

    public ValueDictionary(ImmutableSortedDictionary<TKey, TValue>? entries) => _entries = entries;

    /// <summary>The entries; never null, so an unset value reads as empty.</summary>
    public ImmutableSortedDictionary<TKey, TValue> Entries => _entries ?? ImmutableSortedDictionary<TKey, TValue>.Empty;

    public int Count => Entries.Count;

    public IEnumerable<TKey> Keys => Entries.Keys;

    public IEnumerable<TValue> Values => Entries.Values;

    public TValue this[TKey key] => Entries[key];

    public static implicit operator ValueDictionary<TKey, TValue>(ImmutableSortedDictionary<TKey, TValue> entries) => new(entries);

    public static implicit operator ImmutableSortedDictionary<TKey, TValue>(ValueDictionary<TKey, TValue> map) => map.Entries;

    public static bool operator ==(ValueDictionary<TKey, TValue> left, ValueDictionary<TKey, TValue> right) => left.Equals(right);

    public static bool operator !=(ValueDictionary<TKey, TValue> left, ValueDictionary<TKey, TValue> right) => !left.Equals(right);

    public bool ContainsKey(TKey key) => Entries.ContainsKey(key);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => Entries.TryGetValue(key, out value);

    /// <summary>
    /// The same entries in the same sorted order, keys compared by this map's comparer: symmetric for maps sorted
    /// alike, and the order of insertion never matters (both are sorted).
    /// </summary>
    public bool Equals(ValueDictionary<TKey, TValue> other)
    {
        var keys = Entries.KeyComparer;
        return Count == other.Count && Entries.Zip(other.Entries).All(pair =>
            keys.Compare(pair.First.Key, pair.Second.Key) == 0 && EqualityComparer<TValue>.Default.Equals(pair.First.Value, pair.Second.Value));
    }

    public override bool Equals(object? obj) => obj is ValueDictionary<TKey, TValue> other && Equals(other);

    /// <summary>From the count and the values in key order: equal maps hash alike whatever their key comparer.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Count);
        foreach (var value in Entries.Values)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => Entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
