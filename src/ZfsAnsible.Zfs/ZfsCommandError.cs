using ZfsAnsible.Domain;
using ZfsAnsible.Zfs.Execution;

namespace ZfsAnsible.Zfs;

/// <summary>A zfs/zpool (or helper) command that failed: names the command and what it said.</summary>
public sealed record ZfsCommandError(CommandResult Result)
    : Error($"{Result.Command} failed (exit {Result.ExitCode}): {Result.ErrorSummary}");

/// <summary>A command succeeded but printed something this layer cannot read.</summary>
public sealed record ZfsOutputError(Command Command, string Problem)
    : Error($"cannot read the output of {Command}: {Problem}");
