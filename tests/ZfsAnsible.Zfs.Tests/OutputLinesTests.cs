using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs.Tests;

public class OutputLinesTests
{
    private static List<string> Lines(string output)
    {
        var lines = new List<string>();
        using var reader = new StringReader(output);
        OutputLines.Read(reader, line => lines.Add(line.ToString()));
        return lines;
    }

    [Fact]
    public void Lines_end_at_newlines_crlf_included_and_the_last_needs_none()
    {
        Assert.Equal(["a", "", "b c", "d"], Lines("a\n\nb c\r\nd"));
        Assert.Equal(["a"], Lines("a\n"));
        Assert.Empty(Lines(string.Empty));
    }

    [Fact]
    public void Lines_across_the_buffers_edge_and_longer_than_the_buffer_arrive_whole()
    {
        var rows = Enumerable.Range(0, 20_000).Select(i => $"tank/d{i % 7}@zfsansible_{i}\t{i}").ToList();
        rows.Insert(5_000, new string('x', 200_000));
        Assert.Equal(rows, Lines(string.Join('\n', rows) + "\n"));
    }
}
