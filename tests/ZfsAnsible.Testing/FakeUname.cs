namespace ZfsAnsible.Testing;

/// <summary>A PATH whose first "uname" reports another machine, so the collection's architecture detection sees that target.</summary>
public static class FakeUname
{
    /// <summary>The PATH value with a fake uname (in <paramref name="directory"/>/fake-bin) first.</summary>
    public static string Path(string directory, string machine)
    {
        var fakeBin = System.IO.Path.Combine(directory, "fake-bin");
        Directory.CreateDirectory(fakeBin);
        var uname = System.IO.Path.Combine(fakeBin, "uname");
        File.WriteAllText(uname, $"#!/bin/sh\ncase \"$1\" in -m) echo {machine} ;; -sm) echo \"$(/bin/uname -s) {machine}\" ;; *) /bin/uname \"$@\" ;; esac\n");
        File.SetUnixFileMode(uname, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return fakeBin + ":" + Environment.GetEnvironmentVariable("PATH");
    }

    /// <summary>The environment of an aarch64 target on this machine: uname says so (binfmt runs the arm64 build under qemu-user).</summary>
    public static Dictionary<string, string> Aarch64(string directory) => new() { ["PATH"] = Path(directory, "aarch64") };
}
