using System.Collections.Immutable;
using ZfsAnsible.Domain.Snapshots;
using ZfsAnsible.Zfs;

namespace ZfsAnsible.Zfs.Tests;

public sealed class SnapshotListingCacheFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("zfsansible-cache-").FullName;

    private static readonly SnapshotListingCache Two = SnapshotListingCache.Empty
        .With("tank/docs", new CachedListing(new ListingStamp("111", 900), 1000, [Snapshot.Listed("tank/docs", "manual", 20), Snapshot.Listed("tank/docs", "zfsansible_2026-11-26T08:00:00Z_hourly", 30)]))
        .With("tank/empty fs", new CachedListing(new ListingStamp("222", 800), 1000, []));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void What_is_saved_is_loaded_private_to_its_owner()
    {
        Assert.True(SnapshotListingCacheFile.Save(_directory, Two));
        var loaded = SnapshotListingCacheFile.Load(_directory);

        Assert.Equal(Two.Listings.Keys.Order(StringComparer.Ordinal), loaded.Listings.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Two.Listings["tank/docs"].Snapshots, loaded.Listings["tank/docs"].Snapshots);
        Assert.Equal(Two.Listings["tank/docs"].Stamp, loaded.Listings["tank/docs"].Stamp);
        Assert.Empty(loaded.Listings["tank/empty fs"].Snapshots);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, SnapshotListingCacheFile.Name)));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Theory]
    [InlineData("")]
    [InlineData("zfsansible snapshot listing cache 0\n")]
    [InlineData("zfsansible snapshot listing cache 1\nS\torphan\t1\n")]
    [InlineData("zfsansible snapshot listing cache 1\nD\ttank/a\t1\t900\n")]
    [InlineData("zfsansible snapshot listing cache 1\nD\ttank/a\t1\t900\t1000\nS\tx\tlots\n")]
    [InlineData("zfsansible snapshot listing cache 1\nD\ttank/a\t1\t900\t1000\nD\ttank/a\t1\t900\t1000\n")]
    public void A_cache_with_any_line_it_cannot_read_is_no_cache(string text)
    {
        File.WriteAllText(Path.Combine(_directory, SnapshotListingCacheFile.Name), text);
        File.SetUnixFileMode(Path.Combine(_directory, SnapshotListingCacheFile.Name), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Empty(SnapshotListingCacheFile.Load(_directory).Listings);
    }

    [Fact]
    public void A_cache_others_could_have_written_is_not_read_nor_written()
    {
        Assert.True(SnapshotListingCacheFile.Save(_directory, Two));
        var path = Path.Combine(_directory, SnapshotListingCacheFile.Name);
        File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.GroupWrite);
        Assert.Empty(SnapshotListingCacheFile.Load(_directory).Listings);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(_directory, File.GetUnixFileMode(_directory) | UnixFileMode.OtherWrite);
        Assert.Empty(SnapshotListingCacheFile.Load(_directory).Listings);
        Assert.False(SnapshotListingCacheFile.Save(_directory, Two));
    }

    [Fact]
    public void A_missing_directory_or_file_is_an_empty_cache()
    {
        Assert.Empty(SnapshotListingCacheFile.Load(Path.Combine(_directory, "nowhere")).Listings);
        Assert.Empty(SnapshotListingCacheFile.Load(_directory).Listings);
        Assert.False(SnapshotListingCacheFile.Save(Path.Combine(_directory, "nowhere"), Two));
    }

    [Fact]
    public void A_listing_made_in_the_second_its_list_changed_is_never_kept()
    {
        var cache = Two.With("tank/docs", new CachedListing(new ListingStamp("111", 1000), 1000, ImmutableArray<Snapshot>.Empty));
        Assert.False(cache.Listings.ContainsKey("tank/docs"));
        Assert.Null(cache.Current("tank/docs", new ListingStamp("111", 1000), 2000));
        Assert.NotNull(Two.Current("tank/docs", new ListingStamp("111", 900), 1000));
        Assert.Null(Two.Current("tank/docs", null, 2000));
        // tank/empty fs is gone; a run over another pool keeps it.
        Assert.Equal(["tank/docs"], Two.Without(["tank"], new HashSet<string>(["tank", "tank/docs"])).Listings.Keys);
        Assert.Equal(2, Two.Without(["slowpool", "tank/docs"], new HashSet<string>(["tank/docs"])).Listings.Count);
    }
}
