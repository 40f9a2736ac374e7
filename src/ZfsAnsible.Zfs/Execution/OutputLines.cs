namespace ZfsAnsible.Zfs.Execution;

/// <summary>One line of a command's output, without its line end: valid only during the call.</summary>
public delegate void LineHandler(ReadOnlySpan<char> line);

/// <summary>Output split into lines at '\n' (a "\r\n" ends one too), each handed over from the reader's buffer.</summary>
public static class OutputLines
{
    /// <summary>No string per line: the snapshot listing makes its own records from each row and drops the rest.</summary>
    public static void Read(TextReader reader, LineHandler line)
    {
        var buffer = new char[64 * 1024];
        var filled = 0;
        int read;
        while ((read = reader.Read(buffer, filled, buffer.Length - filled)) > 0)
        {
            var end = filled + read;
            var start = 0;
            int newline;
            while ((newline = buffer.AsSpan(start, end - start).IndexOf('\n')) >= 0)
            {
                line(buffer.AsSpan(start, newline).TrimEnd('\r'));
                start += newline + 1;
            }

            // The unfinished line moves to the front; one longer than the buffer doubles it.
            filled = end - start;
            buffer.AsSpan(start, filled).CopyTo(buffer);
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }

        if (filled > 0)
        {
            line(buffer.AsSpan(0, filled).TrimEnd('\r'));
        }
    }
}
