namespace ZfsAnsible.Zfs.Devices;

/// <summary>zpool status without -P (zfs-fuse, or old releases) prints "sdb" or a by-id basename: find the path it means.</summary>
public static class DeviceNames
{
    private static readonly string[] Directories = ["/dev", "/dev/disk/by-id", "/dev/disk/by-path", "/dev/disk/by-partuuid", "/dev/disk/by-uuid"];

    public static string Absolute(string name) =>
        name.StartsWith('/')
            ? name
            : Directories.Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists) ?? "/dev/" + name;
}
