namespace ZfsAnsible.Domain;

/// <summary>An expected failure, worded for the person who runs the task.</summary>
public record Error(string Message)
{
    public override string ToString() => Message;
}

/// <summary>A value or the reason there is none; expected failures travel as values, not exceptions.</summary>
public readonly record struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    public bool IsOk => Error is null;

    public T Value => IsOk ? _value! : throw new InvalidOperationException($"no value: {Error}");

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(Error error) => new(default, error);

    public static Result<T> Fail(string message) => new(default, new Error(message));

    public static implicit operator Result<T>(Error error) => Fail(error);

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => IsOk ? Result<TOut>.Ok(map(_value!)) : Result<TOut>.Fail(Error!);

    public Result<TOut> Bind<TOut>(Func<T, Result<TOut>> bind) => IsOk ? bind(_value!) : Result<TOut>.Fail(Error!);
}

public static class Result
{
    public static Result<T> Ok<T>(T value) => Result<T>.Ok(value);
}
