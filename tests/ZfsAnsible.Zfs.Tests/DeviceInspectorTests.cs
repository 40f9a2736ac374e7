using ZfsAnsible.Zfs.Devices;
using ZfsAnsible.Zfs.Parsing;

using ZfsAnsible.Testing;

namespace ZfsAnsible.Zfs.Tests;

/// <summary>A fake /proc and /sys in a temp folder, real files as devices, scripted blkid.</summary>
public sealed class DeviceInspectorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("zfsansible-devices-").FullName;

    private string Proc => Path.Combine(_root, "proc");

    private string Sys => Path.Combine(_root, "sys");

    public DeviceInspectorTests()
    {
        Directory.CreateDirectory(Path.Combine(Proc, "self"));
        File.WriteAllText(Path.Combine(Proc, "self", "mounts"), "proc /proc proc rw 0 0\n");
        File.WriteAllText(Path.Combine(Proc, "swaps"), "Filename Type Size Used Priority\n");
        Directory.CreateDirectory(Sys);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Device(string name)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, string.Empty);
        return path;
    }

    [Fact]
    public void A_clean_device_has_no_findings()
    {
        var device = Device("clean");
        var runner = new ScriptedRunner().On($"blkid -p -o export {device}", exit: 2);
        var report = new DeviceInspector(runner, Proc, Sys).Inspect([device], []).Value[device];
        Assert.True(report.Exists);
        Assert.Null(report.InUseBy);
        Assert.Empty(report.Signatures);
    }

    [Fact]
    public void Labels_partition_tables_and_filesystems_are_found()
    {
        var zfs = Device("zfs");
        var gpt = Device("gpt");
        var runner = new ScriptedRunner()
            .On($"blkid -p -o export {zfs}", "DEVNAME=x\nLABEL=oldpool\nTYPE=zfs_member\n")
            .On($"blkid -p -o export {gpt}", "PTTYPE=gpt\n");
        var reports = new DeviceInspector(runner, Proc, Sys).Inspect([zfs, gpt], []).Value;
        Assert.Equal(["a ZFS label (pool oldpool)"], reports[zfs].Signatures);
        Assert.Equal(["a gpt partition table"], reports[gpt].Signatures);
    }

    [Fact]
    public void Mounted_swap_and_pool_members_are_in_use()
    {
        var mounted = Device("mounted");
        var swap = Device("swap");
        var member = Device("member");
        File.AppendAllText(Path.Combine(Proc, "self", "mounts"), $"{mounted} /srv\\040data ext4 rw 0 0\n");
        File.AppendAllText(Path.Combine(Proc, "swaps"), $"{swap} file 100 0 -2\n");
        var runner = new ScriptedRunner()
            .On($"blkid -p -o export {mounted}", "TYPE=ext4\n")
            .On($"blkid -p -o export {swap}", "TYPE=swap\n")
            .On($"blkid -p -o export {member}", "TYPE=zfs_member\nLABEL=tank\n");
        var status = ZpoolStatusParser.Parse($"  pool: tank\n state: ONLINE\nconfig:\n\n\tNAME STATE\n\ttank ONLINE\n\t  {member} ONLINE\n\n");
        var reports = new DeviceInspector(runner, Proc, Sys).Inspect([mounted, swap, member], status).Value;
        Assert.Equal($"{mounted} is mounted at /srv data", reports[mounted].InUseBy);
        Assert.Equal($"{swap} is active swap", reports[swap].InUseBy);
        Assert.Equal("member of imported pool tank", reports[member].InUseBy);
    }

    [Fact]
    public void Conflicting_signatures_are_a_finding_force_can_override()
    {
        var device = Device("ambiguous");
        var runner = new ScriptedRunner().On($"blkid -p -o export {device}", exit: 8);
        Assert.Equal(["ambiguous signatures (blkid found more than one)"], new DeviceInspector(runner, Proc, Sys).Inspect([device], []).Value[device].Signatures);
    }

    [Fact]
    public void A_disk_whose_partition_is_held_by_lvm_is_in_use_and_its_partitions_are_found()
    {
        // A fake /dev/fakedisk whose sysfs entry has a partition fakedisk1 held by dm-0.
        var dev = Directory.CreateDirectory(Path.Combine(_root, "dev")).FullName;
        var device = Path.Combine(dev, "fakedisk");
        File.WriteAllText(device, string.Empty);
        var disk = Path.Combine(Sys, "class", "block", "fakedisk");
        Directory.CreateDirectory(Path.Combine(disk, "holders"));
        Directory.CreateDirectory(Path.Combine(disk, "fakedisk1", "holders", "dm-0"));
        File.WriteAllText(Path.Combine(disk, "fakedisk1", "partition"), "1");
        var runner = new ScriptedRunner().On($"blkid -p -o export {device}", "PTTYPE=gpt\n");

        var report = new DeviceInspector(runner, Proc, Sys, dev).Inspect([device], []).Value[device];
        Assert.Equal("fakedisk1 is held by dm-0 (device mapper, md or LVM)", report.InUseBy);
        Assert.Equal(["a gpt partition table", "partitions (fakedisk1)"], report.Signatures);
        Assert.True(report.IsBlockDevice);
    }

    [Fact]
    public void A_link_resolves_to_its_target()
    {
        var target = Device("disk");
        var link = Path.Combine(_root, "by-id-link");
        File.CreateSymbolicLink(link, target);
        var runner = new ScriptedRunner().On($"blkid -p -o export {link}", exit: 2);
        Assert.Equal(target, new DeviceInspector(runner, Proc, Sys).Inspect([link], []).Value[link].Identity);
    }

    [Fact]
    public void Missing_devices_and_missing_blkid_are_reported()
    {
        var runner = new ScriptedRunner();
        var absent = Path.Combine(_root, "nope");
        Assert.False(new DeviceInspector(runner, Proc, Sys).Inspect([absent], []).Value[absent].Exists);

        var device = Device("d");
        var noBlkid = new ScriptedRunner().On($"blkid -p -o export {device}", exit: 127, stderr: "blkid: command not found");
        Assert.Contains("blkid (util-linux) is not installed", new DeviceInspector(noBlkid, Proc, Sys).Inspect([device], []).Error!.Message);
    }
}
