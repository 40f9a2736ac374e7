using System.Collections.Immutable;
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

    /// <summary>Reads, for every snapshot named, its creation, userrefs and zfsansible:replicated with its source.</summary>
    public const string HoldsScript = """
        -- zfsansible: creation, userrefs and the replication mark (with where it is set) of every snapshot in argv.
        local found = {}
        for _, snapshot in ipairs((...)["argv"]) do
          local mark, source = zfs.get_prop(snapshot, "zfsansible:replicated")
          found[snapshot] = { zfs.get_prop(snapshot, "creation"), zfs.get_prop(snapshot, "userrefs"), mark, source }
        end
        return found
        """;

    public static Command Destroy(string pool, IEnumerable<string> snapshots) =>
        Command.Of("zfs", "program", pool, "/dev/stdin").WithArguments(snapshots).WithInput(DestroyScript);

    /// <summary>Read-only ("-n": no sync, runs at once), answered as JSON ("-j").</summary>
    public static Command Holds(string pool, IEnumerable<string> snapshots) =>
        Command.Of("zfs", "program", "-n", "-j", pool, "/dev/stdin").WithArguments(snapshots).WithInput(HoldsScript);

    /// <summary>
    /// The answer of <see cref="Holds"/>: {"return": {"pool/fs@snap": {"1": creation, "2": userrefs, "3": mark, "4":
    /// source}}}. A mark counts only where its source is the snapshot itself; an unset one has neither.
    /// </summary>
    public static Result<IReadOnlyDictionary<string, SnapshotHolds>> ReadHolds(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("return", out var found) || found.ValueKind != JsonValueKind.Object)
            {
                return Result<IReadOnlyDictionary<string, SnapshotHolds>>.Fail("the channel program returned no table of snapshots");
            }

            var holds = new Dictionary<string, SnapshotHolds>(StringComparer.Ordinal);
            foreach (var snapshot in found.EnumerateObject())
            {
                var name = snapshot.Name;
                if (Number(snapshot.Value, "1") is not { } creation || Number(snapshot.Value, "2") is not { } userRefs)
                {
                    return Result<IReadOnlyDictionary<string, SnapshotHolds>>.Fail($"snapshot {name} has no readable creation or userrefs");
                }

                var mark = Text(snapshot.Value, "4") == name && Text(snapshot.Value, "3") is { } value ? value : string.Empty;
                holds[name] = new SnapshotHolds(creation, userRefs, mark);
            }

            return Result.Ok<IReadOnlyDictionary<string, SnapshotHolds>>(holds);
        }
        catch (JsonException)
        {
            return Result<IReadOnlyDictionary<string, SnapshotHolds>>.Fail("the channel program's answer is not JSON");
        }
    }

    private static long? Number(JsonElement entry, string key) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0 ? number : null;

    private static string? Text(JsonElement entry, string key) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
