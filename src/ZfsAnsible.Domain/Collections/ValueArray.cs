using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace ZfsAnsible.Domain.Collections;

/// <summary>
/// An immutable list that compares by its items, so a record holding one gets value equality without hand-written
/// Equals (ImmutableArray compares by reference). Converts to and from <see cref="ImmutableArray{T}"/> implicitly.
/// </summary>
[CollectionBuilder(typeof(ValueArray), nameof(ValueArray.Create))]
public readonly struct ValueArray<T> : IReadOnlyList<T>, IEquatable<ValueArray<T>>
{
    private readonly ImmutableArray<T> _items;

    public ValueArray(ImmutableArray<T> items) => _items = items;

    /// <summary>The items; never default, so an unset value reads as empty.</summary>
    public ImmutableArray<T> Items => _items.IsDefault ? [] : _items;

    public int Count => Items.Length;

    public int Length => Items.Length;

    public bool IsEmpty => Items.IsEmpty;

    public T this[int index] => Items[index];

    public static implicit operator ValueArray<T>(ImmutableArray<T> items) => new(items);

    public static implicit operator ImmutableArray<T>(ValueArray<T> array) => array.Items;

    public static bool operator ==(ValueArray<T> left, ValueArray<T> right) => left.Equals(right);

    public static bool operator !=(ValueArray<T> left, ValueArray<T> right) => !left.Equals(right);

    public bool Equals(ValueArray<T> other) => Items.SequenceEqual(other.Items);

    public override bool Equals(object? obj) => obj is ValueArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in Items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public ImmutableArray<T>.Enumerator GetEnumerator() => Items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Items).GetEnumerator();

    public override string ToString() => $"[{string.Join(", ", Items)}]";
}

public static class ValueArray
{
    public static ValueArray<T> Create<T>(ReadOnlySpan<T> items) => new([.. items]);
}
