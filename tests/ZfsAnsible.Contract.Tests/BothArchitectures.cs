namespace ZfsAnsible.Contract.Tests;

/// <summary>Every contract case runs against both published builds: linux-x64 natively, linux-arm64 under qemu-user.</summary>
public static class BothArchitectures
{
    public static readonly string[] Rids = ["linux-x64", "linux-arm64"];

    public static TheoryData<string> Each => new(Rids);

    /// <summary>(rid, case) for every case on every architecture.</summary>
    public static TheoryData<string, string> Times(IEnumerable<string> cases)
    {
        var data = new TheoryData<string, string>();
        var names = cases.ToList();
        foreach (var rid in Rids)
        {
            foreach (var name in names)
            {
                data.Add(rid, name);
            }
        }

        return data;
    }
}
