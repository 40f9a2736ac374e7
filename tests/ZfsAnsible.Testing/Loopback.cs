using System.Net;
using System.Net.Sockets;

namespace ZfsAnsible.Testing;

/// <summary>Ports on 127.0.0.1 for the services a test starts.</summary>
public static class Loopback
{
    /// <summary>A port nothing listens on now (the kernel's pick; free again once the probe closes).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something accepts connections on the port.</summary>
    public static bool Listening(int port)
    {
        try
        {
            using var probe = new TcpClient("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
