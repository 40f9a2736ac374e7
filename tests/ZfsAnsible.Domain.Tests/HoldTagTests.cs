using ZfsAnsible.Domain.Replication;

namespace ZfsAnsible.Domain.Tests;

public class HoldTagTests
{
    [Theory]
    // The tags the first releases put on real sources (sha256 of the target id, 16 hex digits): holds already in the
    // field must still be found and released.
    [InlineData("vmzfs:benchrep/ours", "zfsansible-replica-71a324542ce2365d")]
    [InlineData("backup-host:backup", "zfsansible-replica-6f2f0b624c3e80bc")]
    public void A_target_keeps_the_tag_it_always_had(string targetId, string tag)
    {
        Assert.Equal(tag, ReplicationMark.HoldTag(targetId));
        Assert.True(ReplicationMark.IsHoldTag(tag));
    }

    [Fact]
    public void The_managed_sha256_agrees_with_the_framework_at_every_padding_boundary()
    {
        var random = new Random(20261203);
        // 55, 56, 63, 64 and 119, 120: where the length no longer fits the last block and a block is added.
        foreach (var length in Enumerable.Range(0, 200).Concat([1_000, 65_537]))
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), Sha256.Hash(data));
        }
    }

    [Fact]
    public void The_managed_sha256_gives_the_standard_test_vectors()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(Sha256.Hash([])));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(Sha256.Hash("abc"u8)));
        Assert.Equal("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            Convert.ToHexStringLower(Sha256.Hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"u8)));
    }
}
