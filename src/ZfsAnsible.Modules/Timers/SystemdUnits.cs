namespace ZfsAnsible.Modules.Timers;

/// <summary>
/// The text of a timer's two units. Pure: the same declaration always gives the same bytes, so a second run finds
/// nothing to change. The service runs the program's CLI face with the saved options (<c>%N</c> is the unit's name
/// without its suffix, so one template serves every instance); stdout and stderr go to the journal, a failed run
/// leaves the unit "failed" in <c>systemctl status</c>.
/// </summary>
public static class SystemdUnits
{
    public static string Service(TimerDeclaration timer) => $"""
        # Installed by zfsansible.zfs.zfs_timer: changes here are replaced on the next run.
        [Unit]
        Description={Escape(timer.Description)}{(timer.IsInstance ? " %i" : string.Empty)}
        After=zfs.target network-online.target
        Wants=network-online.target
        ConditionPathExists={TimerDeclaration.ConfigDirectory}/%N.json

        [Service]
        Type=oneshot
        Environment=TZ=UTC
        ExecStart={timer.ProgramPath} run --options-file {TimerDeclaration.ConfigDirectory}/%N.json
        Nice=10
        IOSchedulingClass=best-effort
        IOSchedulingPriority=7
        # SIGTERM stops a run cleanly: its transfers stop, its lock is released (exit 143).
        KillMode=mixed
        TimeoutStopSec=60

        """;

    public static string Timer(TimerDeclaration timer) => $"""
        # Installed by zfsansible.zfs.zfs_timer: changes here are replaced on the next run.
        [Unit]
        Description={Escape(timer.Description)} (timer)

        [Timer]
        OnCalendar={timer.OnCalendar}
        Persistent=true
        Unit={timer.Name}.service

        [Install]
        WantedBy=timers.target

        """;

    /// <summary>'%' starts a specifier in unit files; free text says it literally.</summary>
    private static string Escape(string text) => text.Replace("%", "%%", StringComparison.Ordinal);
}
