namespace ZfsAnsible.Testing;

/// <summary>Waiting for what a service does in its own time (systemd starts, timers fire), polled every 100 ms.</summary>
public static class Polling
{
    /// <summary>Returns once <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> after a minute.</summary>
    public static void Eventually(Func<bool> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (condition())
            {
                return;
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"not within a minute: {what}");
    }
}
