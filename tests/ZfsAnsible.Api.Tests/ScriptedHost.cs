using ZfsAnsible.Api.Collection;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Api.Tests;

/// <summary>
/// One host's listings as OpenZFS 2.3 prints them: a pool tank (a degraded mirror), a managed dataset with a policy, a
/// dataset whose policy cannot be read, an unmanaged dataset and a replica with its last replication on a backup pool.
/// </summary>
internal static class ScriptedHost
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public const string ZpoolList = "tank\tDEGRADED\t1000000\t250000\t750000\t25\t7\nslowpool\tONLINE\t2000000\t0\t2000000\t0\t0\n";

    private static long At(int hoursAgo) => Now.AddHours(-hoursAgo).ToUnixTimeSeconds();

    public static string ZfsGet => string.Join('\n', new[]
    {
        "tank\ttype\tfilesystem\t-",
        "tank\tused\t250000\t-",
        "tank\tavailable\t700000\t-",
        "tank\treferenced\t1000\t-",
        "tank/documents\ttype\tfilesystem\t-",
        "tank/documents\tused\t200000\t-",
        "tank/documents\tavailable\t700000\t-",
        "tank/documents\treferenced\t150000\t-",
        "tank/documents\tzfsansible:policy\tcritical\tlocal",
        "tank/documents\tzfsansible:policy_source\texplicit\tlocal",
        "tank/documents\tzfsansible:retention\thourly=3,daily=2\tlocal",
        "tank/documents\tzfsansible:replicate\ton\tlocal",
        "tank/documents\tzfsansible:discover_children\toff\tlocal",
        "tank/documents@zfsansible_2026-12-01T11:00:00Z_hourly\ttype\tsnapshot\t-",
        "tank/documents@zfsansible_2026-12-01T11:00:00Z_hourly\tcreatetxg\t10\t-",
        $"tank/documents@zfsansible_2026-12-01T11:00:00Z_hourly\tcreation\t{At(1)}\t-",
        "tank/documents@zfsansible_2026-12-01T11:00:00Z_hourly\tuserrefs\t0\t-",
        "tank/documents@zfsansible_2026-12-01T10:00:00Z_hourly\ttype\tsnapshot\t-",
        "tank/documents@zfsansible_2026-12-01T10:00:00Z_hourly\tcreatetxg\t9\t-",
        $"tank/documents@zfsansible_2026-12-01T10:00:00Z_hourly\tcreation\t{At(2)}\t-",
        "tank/documents@zfsansible_2026-12-01T10:00:00Z_hourly\tuserrefs\t1\t-",
        "tank/documents@manual\ttype\tsnapshot\t-",
        "tank/documents@manual\tcreatetxg\t8\t-",
        $"tank/documents@manual\tcreation\t{At(30)}\t-",
        "tank/documents@manual\tuserrefs\t0\t-",
        "tank/broken\ttype\tfilesystem\t-",
        "tank/broken\tused\t10\t-",
        "tank/broken\tavailable\t700000\t-",
        "tank/broken\treferenced\t10\t-",
        "tank/broken\tzfsansible:policy\tcritical\tlocal",
        "tank/broken\tzfsansible:retention\thourly=lots\tlocal",
        "tank/scratch\ttype\tfilesystem\t-",
        "tank/scratch\tzfsansible:last_success\t99999999999999\tlocal",
        "tank/scratch\tzfsansible:last_duration_ms\t9999999999999999999\tlocal",
        "tank/scratch\tused\t100\t-",
        "tank/scratch\tavailable\t700000\t-",
        "tank/scratch\treferenced\t100\t-",
        "slowpool\ttype\tfilesystem\t-",
        "slowpool\tused\t0\t-",
        "slowpool\tavailable\t2000000\t-",
        "slowpool\treferenced\t0\t-",
        "slowpool/raw/src/tank/documents\ttype\tfilesystem\t-",
        "slowpool/raw/src/tank/documents\tused\t500\t-",
        "slowpool/raw/src/tank/documents\tavailable\t2000000\t-",
        "slowpool/raw/src/tank/documents\treferenced\t400\t-",
        "slowpool/raw/src/tank/documents\tzfsansible:replica_policy\tcritical\tlocal",
        "slowpool/raw/src/tank/documents\tzfsansible:replica_retention\thourly=3\tlocal",
        $"slowpool/raw/src/tank/documents\tzfsansible:last_success\t{At(3)}\tlocal",
        "slowpool/raw/src/tank/documents\tzfsansible:last_duration_ms\t1500\tlocal",
        "slowpool/raw/src/tank/documents\tzfsansible:last_bytes\t123456\tlocal",
        "slowpool/raw/src/tank/documents@zfsansible_2026-12-01T09:00:00Z_hourly\ttype\tsnapshot\t-",
        "slowpool/raw/src/tank/documents@zfsansible_2026-12-01T09:00:00Z_hourly\tcreatetxg\t5\t-",
        $"slowpool/raw/src/tank/documents@zfsansible_2026-12-01T09:00:00Z_hourly\tcreation\t{At(3)}\t-",
        "slowpool/raw/src/tank/documents@zfsansible_2026-12-01T09:00:00Z_hourly\tuserrefs\t0\t-",
    }) + "\n";

    public static ScriptedRunner Runner() => new ScriptedRunner()
        .On("zfs version", "zfs-2.3.2-1\nzfs-kmod-2.3.2-1\n")
        .On("zpool list -H -p -o name,health,size,allocated,free,capacity,fragmentation", ZpoolList)
        .On("zfs get -H -p -r -o name,property,value,source " + string.Join(',',
            Domain.Properties.ZfsAnsibleProperties.ManagedNames.Concat(["createtxg", "creation", "userrefs", "zfsansible:replicated"]).Concat(HostState.DatasetProperties).Distinct()) + " tank slowpool", ZfsGet);

    public static HostState State() => new HostCollector(Runner(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now)).Collect().Value;
}
