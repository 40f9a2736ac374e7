using ZfsAnsible.Domain;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs;

/// <summary>Why a zfs/zpool command failed, read once from what it said (see <see cref="ZfsFailures.Classify"/>).</summary>
public enum ZfsFailure
{
    Other,

    /// <summary>The dataset, snapshot or pool named does not exist.</summary>
    DoesNotExist,

    /// <summary>"pool is busy" / "dataset is busy": transient right after a mount or unmount (zfs-fuse especially).</summary>
    Busy,

    /// <summary>zfs hold: the snapshot already carries this tag.</summary>
    HoldExists,

    /// <summary>zfs release: the snapshot carries no such tag.</summary>
    NoSuchTag,

    /// <summary>zpool import found nothing to import (OpenZFS says so; zfs-fuse says nothing).</summary>
    NothingToImport,
}

/// <summary>The one place stderr is read for meaning; everything else compares <see cref="ZfsFailure"/> values.</summary>
public static class ZfsFailures
{
    public static ZfsFailure Classify(CommandResult result)
    {
        var stderr = result.StandardError;
        if (result.Succeeded)
        {
            return ZfsFailure.Other;
        }

        if (IsImportScan(result.Command) && result.ExitCode == 1 && result.StandardOutput.Trim().Length == 0
            && (stderr.Trim().Length == 0 || stderr.Contains("no pools available", StringComparison.OrdinalIgnoreCase)))
        {
            return ZfsFailure.NothingToImport;
        }

        return stderr.Contains("tag already exists", StringComparison.Ordinal) ? ZfsFailure.HoldExists
            : stderr.Contains("no such tag", StringComparison.Ordinal) ? ZfsFailure.NoSuchTag
            : stderr.Contains("is busy", StringComparison.Ordinal) ? ZfsFailure.Busy
            : stderr.Contains("does not exist", StringComparison.Ordinal) ? ZfsFailure.DoesNotExist
            : ZfsFailure.Other;
    }

    /// <summary>"zpool import [-d DIR]...": a scan, not the import of a named pool.</summary>
    private static bool IsImportScan(Command command) =>
        command.Program == "zpool" && command.Arguments is ["import", ..]
        && command.Arguments.Count % 2 == 1 && command.Arguments.Where((_, i) => i % 2 == 1).All(option => option == "-d");
}

/// <summary>A zfs/zpool (or helper) command that failed: names the command (secrets masked), what it said, and why.</summary>
public sealed record ZfsCommandError(CommandResult Result) : Error(Result.FailureSummary)
{
    public ZfsFailure Failure { get; } = ZfsFailures.Classify(Result);
}

/// <summary>A command succeeded but printed something this layer cannot read.</summary>
public sealed record ZfsOutputError(Command Command, string Problem)
    : Error($"cannot read the output of {Command}: {Problem}");
