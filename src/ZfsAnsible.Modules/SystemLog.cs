using System.Net.Sockets;
using System.Text;

namespace ZfsAnsible.Modules;

/// <summary>
/// One line to the system log (the /dev/log socket: journald or a syslog daemon), for what must be on record beyond
/// the caller's view, e.g. every command a forced-command server allowed or refused. Where no log socket exists the
/// line is dropped: stderr carries it too.
/// </summary>
public static class SystemLog
{
    public const string SocketPath = "/dev/log";

    public enum Severity
    {
        Warning = 4,
        Info = 6,
    }

    /// <summary>facility auth (4): an access decision.</summary>
    public static void Write(string identifier, Severity severity, string message)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
            var line = $"<{(4 * 8) + (int)severity}>{identifier}[{Environment.ProcessId}]: {string.Join(' ', message.Split(['\r', '\n']))}";
            socket.Send(Encoding.UTF8.GetBytes(line));
        }
        catch (SocketException)
        {
            // No log daemon here (a container): the line is on stderr as well.
        }
    }
}
