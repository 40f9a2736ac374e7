namespace ZfsAnsible.Domain.Naming;

/// <summary>What zpool accepts as a vdev device: an absolute path, or a bare name under /dev.</summary>
public static class DevicePaths
{
    public const int MaxPathLength = 4096;

    public static Result<string> Normalize(string? device)
    {
        if (string.IsNullOrWhiteSpace(device))
        {
            return Result<string>.Fail("device path is empty");
        }

        if (device.Length > MaxPathLength)
        {
            return Result<string>.Fail($"device path is {device.Length} characters long; the maximum is {MaxPathLength}");
        }

        if (device.Any(char.IsControl))
        {
            return Result<string>.Fail($"device path '{ZfsNames.Printable(device)}' contains control characters");
        }

        if (device[0] == '-')
        {
            return Result<string>.Fail($"device path '{ZfsNames.Printable(device)}' may not begin with '-'");
        }

        if (device[0] == '/')
        {
            return Result<string>.Ok(device);
        }

        // zpool resolves a bare name like "sdb" or "disk/by-id/..." against /dev.
        if (device.Contains("..", StringComparison.Ordinal))
        {
            return Result<string>.Fail($"device path '{ZfsNames.Printable(device)}' must be absolute or a name under /dev");
        }

        return Result<string>.Ok("/dev/" + device);
    }
}
