using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using ZfsAnsible.Domain.Snapshots;

namespace ZfsAnsible.Zfs;

/// <summary>
/// What a dataset says about its list of snapshots without listing it (OpenZFS ≥ 2.2): its guid (a dataset destroyed
/// and made again under the same name has a new one) and snapshots_changed, the second its list last changed (a
/// snapshot taken, destroyed, renamed or received).
/// </summary>
public sealed record ListingStamp(string Guid, long SnapshotsChanged);

/// <summary>One dataset's snapshot names and transaction groups as listed (<see cref="Snapshot.Listed"/>), and when.</summary>
/// <param name="ListedAt">The second the listing began, on the host's clock (the one ZFS stamps snapshots_changed with).</param>
public sealed record CachedListing(ListingStamp Stamp, long ListedAt, ImmutableArray<Snapshot> Snapshots);

/// <summary>
/// Snapshot listings kept between runs, trusted only when provably current: a listing that began at second L after
/// the list last changed (snapshots_changed S &lt; L) holds every change up to L; any later change sets
/// snapshots_changed to a second ≥ L, so an unchanged stamp means an unchanged list. A clock that went back since
/// the listing voids it. Holds and replication marks are never cached (they change without touching the stamp):
/// a run reads them fresh for every snapshot it would destroy.
/// </summary>
public sealed record SnapshotListingCache(ImmutableDictionary<string, CachedListing> Listings)
{
    public static SnapshotListingCache Empty { get; } = new(ImmutableDictionary<string, CachedListing>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>The dataset's cached snapshots if they are its snapshots now; null if it must be listed.</summary>
    public ImmutableArray<Snapshot>? Current(string dataset, ListingStamp? stamp, long now) =>
        stamp is not null && Listings.TryGetValue(dataset, out var cached) && cached.Stamp == stamp && IsProof(cached) && cached.ListedAt <= now
            ? cached.Snapshots
            : null;

    /// <summary>Keeps a listing if it can ever be proven current (a list changed in the second its listing began cannot).</summary>
    public SnapshotListingCache With(string dataset, CachedListing listing) =>
        IsProof(listing) ? new(Listings.SetItem(dataset, listing)) : Forget(dataset);

    /// <summary>Without the dataset's listing (its stamp cannot be read).</summary>
    public SnapshotListingCache Forget(string dataset) => new(Listings.Remove(dataset));

    /// <summary>
    /// Without the datasets below <paramref name="roots"/> that are gone (<paramref name="present"/> holds those that
    /// are not): a cache never outgrows the host, and a run over one subtree keeps the others' listings.
    /// </summary>
    public SnapshotListingCache Without(IEnumerable<string> roots, IReadOnlySet<string> present)
    {
        var under = roots.ToList();
        return new(Listings.RemoveRange(Listings.Keys.Where(k =>
            !present.Contains(k) && under.Any(root => k == root || k.StartsWith(root + "/", StringComparison.Ordinal)))));
    }

    private static bool IsProof(CachedListing listing) => listing.Stamp.SnapshotsChanged < listing.ListedAt;
}

/// <summary>
/// The cache on disk beside the snapshot run's lock: tab-separated text in a <see cref="PrivateCacheFile"/> (a planted
/// listing could hide the snapshots retention must keep), and any line it cannot read voids all of it: a cache is only
/// ever a shortcut, never a reason to fail.
/// </summary>
public static class SnapshotListingCacheFile
{
    public const string Name = "snapshot-listing.cache";

    private const string Header = "zfsansible snapshot listing cache 1";

    public static SnapshotListingCache Load(string directory) =>
        PrivateCacheFile.Read(directory, Name, Parse) ?? SnapshotListingCache.Empty;

    /// <summary>Writes the cache; false when it could not (the next run lists again).</summary>
    public static bool Save(string directory, SnapshotListingCache cache) =>
        PrivateCacheFile.Write(directory, Name, writer => Write(writer, cache));

    /// <summary>"D dataset guid snapshots_changed listed_at" then one "S name createtxg" per snapshot.</summary>
    public static void Write(TextWriter writer, SnapshotListingCache cache)
    {
        writer.Write(Header + "\n");
        foreach (var (dataset, listing) in cache.Listings.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"D\t{dataset}\t{listing.Stamp.Guid}\t{listing.Stamp.SnapshotsChanged}\t{listing.ListedAt}\n"));
            foreach (var snapshot in listing.Snapshots)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"S\t{snapshot.Name}\t{snapshot.CreateTxg}\n"));
            }
        }
    }

    /// <summary>The cache the lines hold, or null if any line is not what <see cref="Write"/> writes.</summary>
    public static SnapshotListingCache? Parse(IEnumerable<string> lines)
    {
        var listings = ImmutableDictionary.CreateBuilder<string, CachedListing>(StringComparer.Ordinal);
        string? dataset = null;
        (ListingStamp Stamp, long ListedAt)? head = null;
        var snapshots = ImmutableArray.CreateBuilder<Snapshot>();
        var first = true;
        foreach (var line in lines)
        {
            if (first)
            {
                first = false;
                if (line != Header)
                {
                    return null;
                }

                continue;
            }

            var fields = line.Split('\t');
            if (fields is ["D", var name, var guid, var changed, var listedAt] && Number(changed) is { } s && Number(listedAt) is { } l && name.Length > 0 && guid.Length > 0)
            {
                if (!Close())
                {
                    return null;
                }

                (dataset, head) = (name, (new ListingStamp(guid, s), l));
            }
            else if (fields is ["S", var snapshot, var txg] && dataset is not null && snapshot.Length > 0 && Number(txg) is { } t)
            {
                snapshots.Add(Snapshot.Listed(dataset, snapshot, t));
            }
            else
            {
                return null;
            }
        }

        return first || !Close() ? null : new SnapshotListingCache(listings.ToImmutable());

        // Files the dataset read so far with its snapshots; false if it was already there.
        bool Close() => dataset is null || listings.TryAdd(dataset, new CachedListing(head!.Value.Stamp, head.Value.ListedAt, snapshots.DrainToImmutable()));
    }

    private static long? Number(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
