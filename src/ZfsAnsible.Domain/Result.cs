using System.Diagnostics.CodeAnalysis;

namespace ZfsAnsible.Domain;

/// <summary>An expected failure, worded for the person who runs the task.</summary>
/// <remarks>ToString is sealed: a derived error (one holding a command's whole result) prints only its message.</remarks>
public record Error(string Message)
{
    public sealed override string ToString() => Message;

    /// <summary>Every problem in one error, in order (a run shows them all at once); null when there is none.</summary>
    public static Error? Join(params IEnumerable<Error?> errors) => Join(errors.OfType<Error>().Select(e => e.Message));

    /// <summary>The problems as one "; "-joined error; null when the list is empty.</summary>
    public static Error? Join(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        return list.Count == 0 ? null : new Error(string.Join("; ", list));
    }
}

/// <summary>A value or the reason there is none; expected failures travel as values, not exceptions.</summary>
/// <remarks>After <c>if (!result.IsOk)</c> the compiler knows <see cref="Error"/> is set: no <c>!</c> needed.</remarks>
public readonly record struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsOk => Error is null;

    public T Value => IsOk ? _value! : throw new InvalidOperationException($"no value: {Error}");

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(Error error) => new(default, error);

    public static Result<T> Fail(string message) => new(default, new Error(message));

    public static implicit operator Result<T>(Error error) => Fail(error);

    public static implicit operator Result<T>(T value) => Ok(value);

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => IsOk ? Result<TOut>.Ok(map(_value!)) : Result<TOut>.Fail(Error);

    public Result<TOut> Bind<TOut>(Func<T, Result<TOut>> bind) => IsOk ? bind(_value!) : Result<TOut>.Fail(Error);
}

public static class Result
{
    public static Result<T> Ok<T>(T value) => Result<T>.Ok(value);

    /// <summary>The value, or every problem found: a run reports all of them, not only the first.</summary>
    public static Result<T> From<T>(IEnumerable<string> problems, Func<T> value) =>
        Error.Join(problems) is { } error ? error : Result<T>.Ok(value());
}
