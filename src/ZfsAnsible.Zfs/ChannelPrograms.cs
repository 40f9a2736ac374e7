using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using ZfsAnsible.Domain;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs;

/// <summary>The holds, replication mark (set on the snapshot itself; "" for none) and creation of one snapshot.</summary>
public sealed record SnapshotHolds(long Creation, long UserRefs, string Mark);

/// <summary>
/// OpenZFS channel programs ("zfs program", Lua run inside the kernel, 0.8+): many snapshots in one command and
/// one transaction group instead of one ioctl, one process and one sync each. The script reaches "zfs program" on
/// its stdin, the snapshots as its arguments; nothing else is interpolated into it.
/// </summary>
public static class ChannelPrograms
{
    /// <summary>
    /// Destroys every snapshot named, or none: each destroy is checked first, and the whole program runs in one
    /// transaction group, so nothing can change between the checks and the destroys. A held snapshot (or one with
    /// clones) fails the program with nothing destroyed; a snapshot already gone is no error (as "zfs destroy a@x,y").
    /// </summary>
    public const string DestroyScript = """
        -- zfsansible: destroy every snapshot named in argv, or none.
        local snapshots = (...)["argv"]
        local why = { [16] = "held or cloned" }
        local refused = {}
        for _, snapshot in ipairs(snapshots) do
          local err = zfs.check.destroy(snapshot)
          if err ~= 0 then
            refused[#refused + 1] = snapshot .. " (" .. (why[err] or ("error " .. err)) .. ")"
          end
        end
        if #refused > 0 then
          error("nothing destroyed: cannot destroy " .. table.concat(refused, ", "))
        end
        for _, snapshot in ipairs(snapshots) do
          assert(zfs.sync.destroy(snapshot) == 0)
        end
        return #snapshots
        """;

    /// <summary>
    /// Reads, for every snapshot named, its creation, userrefs and zfsansible:replicated with its source, keyed by
    /// the snapshot's position in argv: the answer does not repeat 5,000 names the caller already holds.
    /// </summary>
    public const string HoldsScript = """
        -- zfsansible: creation, userrefs and the replication mark (with where it is set) of every snapshot in argv,
        -- keyed by its position there.
        local found = {}
        for i, snapshot in ipairs((...)["argv"]) do
          local mark, source = zfs.get_prop(snapshot, "zfsansible:replicated")
          found[i] = { zfs.get_prop(snapshot, "creation"), zfs.get_prop(snapshot, "userrefs"), mark, source }
        end
        return found
        """;

    public static Command Destroy(string pool, IEnumerable<string> snapshots) =>
        Command.Of("zfs", "program", pool, "/dev/stdin").WithArguments(snapshots).WithInput(DestroyScript);

    /// <summary>Read-only ("-n": no sync, runs at once), answered as JSON ("-j").</summary>
    public static Command Holds(string pool, IEnumerable<string> snapshots) =>
        Command.Of("zfs", "program", "-n", "-j", pool, "/dev/stdin").WithArguments(snapshots).WithInput(HoldsScript);

    /// <summary>
    /// The answer of <see cref="Holds"/> for <paramref name="snapshots"/>, in their order: {"return": {"1": {"1":
    /// creation, "2": userrefs, "3": mark, "4": source}, ...}}, one entry per position. A mark counts only where its
    /// source is the snapshot itself; an unset one has neither. An entry missing, repeated or for no position asked is
    /// an error, never a guess.
    /// </summary>
    public static Result<ImmutableArray<SnapshotHolds>> ReadHolds(string json, IReadOnlyList<string> snapshots)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("return", out var found) || found.ValueKind != JsonValueKind.Object)
            {
                return Result<ImmutableArray<SnapshotHolds>>.Fail("the channel program returned no table of snapshots");
            }

            var holds = new SnapshotHolds?[snapshots.Count];
            foreach (var entry in found.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var position) || position < 1 || position > holds.Length || holds[position - 1] is not null)
                {
                    return Result<ImmutableArray<SnapshotHolds>>.Fail($"the channel program answered an entry '{entry.Name}' for none of the {holds.Length} snapshots asked");
                }

                var name = snapshots[position - 1];
                if (Number(entry.Value, "1") is not { } creation || Number(entry.Value, "2") is not { } userRefs)
                {
                    return Result<ImmutableArray<SnapshotHolds>>.Fail($"snapshot {name} has no readable creation or userrefs");
                }

                var setHere = entry.Value.TryGetProperty("4", out var source) && source.ValueKind == JsonValueKind.String && source.ValueEquals(name);
                var mark = setHere && Text(entry.Value, "3") is { } value ? value : string.Empty;
                holds[position - 1] = new SnapshotHolds(creation, userRefs, mark);
            }

            var missing = Array.IndexOf(holds, null);
            return missing >= 0
                ? Result<ImmutableArray<SnapshotHolds>>.Fail($"cannot read the creation and holds of {snapshots[missing]}")
                : Result.Ok<ImmutableArray<SnapshotHolds>>([.. holds.Select(h => h!)]);
        }
        catch (JsonException)
        {
            return Result<ImmutableArray<SnapshotHolds>>.Fail("the channel program's answer is not JSON");
        }
    }

    private static long? Number(JsonElement entry, string key) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0 ? number : null;

    private static string? Text(JsonElement entry, string key) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
