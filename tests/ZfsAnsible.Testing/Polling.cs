using System.Diagnostics;

namespace ZfsAnsible.Testing;

/// <summary>Waiting for what a service does in its own time (systemd starts, timers fire, scrapes land).</summary>
public static class Polling
{
    /// <summary>
    /// Returns once <paramref name="condition"/> holds, checked every 100 ms; fails the test naming <paramref name="what"/>
    /// after a minute of wall-clock time (however long each check takes, e.g. over ssh into the emulated guest).
    /// </summary>
    public static void Eventually(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException($"not within a minute: {what}");
            }

            Thread.Sleep(100);
        }
    }
}
