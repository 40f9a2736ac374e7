using System.Diagnostics;

namespace ZfsAnsible.Testing;

/// <summary>Waiting for what a service does in its own time (systemd starts, timers fire, scrapes land).</summary>
public static class Polling
{
    /// <summary>
    /// Returns once <paramref name="condition"/> holds, checked every 100 ms; fails the test naming <paramref name="what"/>
    /// after ten minutes of wall-clock time, however long each check takes (a pull through the emulated guest's systemd
    /// takes minutes; the earlier bound of 600 checks allowed that much when each check was an ssh round trip).
    /// </summary>
    public static void Eventually(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"not within ten minutes: {what}");
            }

            Thread.Sleep(100);
        }
    }
}
