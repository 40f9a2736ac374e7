using System.Text.RegularExpressions;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Naming;

namespace ZfsAnsible.Modules.Timers;

/// <summary>
/// One systemd timer that runs a program of this collection with saved module options: <c>zfs-snapshot</c>, or an
/// instance of a template such as <c>zfs-pull@host-storage</c> (one template service, one timer per instance, so
/// different instances run in parallel and one instance never twice at a time).
/// </summary>
/// <param name="Program">The executable's name (zfs_snapshot_prune, zfs_replicate), installed by <see cref="Installation.InstalledProgram"/>.</param>
/// <param name="Root">The root directory of the system the timer is for: "/" for this host, or an image being built.</param>
public sealed partial record TimerDeclaration(string Name, string Program, string OnCalendar, string Description, string Root)
{
    public const int MaxNameLength = 200;

    public const string UnitDirectory = "/etc/systemd/system";
    public const string ConfigDirectory = "/etc/zfsansible/timers";

    /// <summary>Another system's root: systemd there is not this one, so units are linked offline and nothing starts.</summary>
    public bool OtherRoot => Root != "/";

    /// <summary>An instance of a template unit (<c>base@instance</c>).</summary>
    public bool IsInstance => Name.Contains('@', StringComparison.Ordinal);

    /// <summary><c>zfs-pull</c> of <c>zfs-pull@host-storage</c>; the name itself when it is not an instance.</summary>
    public string Base => IsInstance ? Name[..Name.IndexOf('@', StringComparison.Ordinal)] : Name;

    public string ProgramPath => Installation.InstalledProgram.PathOf(Program);

    public string OptionsPath => $"{ConfigDirectory}/{Name}.json";

    public string ServiceUnit => IsInstance ? $"{Base}@.service" : $"{Name}.service";

    public string TimerUnit => $"{Name}.timer";

    /// <summary>Where a path of the timer's system lies on this host's file system.</summary>
    public string OnHost(string path) => OtherRoot ? Root + path : path;

    public string ServicePath => $"{UnitDirectory}/{ServiceUnit}";

    public string TimerPath => $"{UnitDirectory}/{TimerUnit}";

    /// <summary>
    /// Checks every word that reaches a unit file: a unit name systemd accepts, absolute plain paths, and no line break
    /// or specifier in free text, so no value can add a directive (an ExecStartPre=, an Environment=) to a unit.
    /// </summary>
    public static Result<TimerDeclaration> Create(string name, string program, string onCalendar, string? description, string root)
    {
        var problems = new List<string>();
        if (name.Length > MaxNameLength || !UnitNamePattern().IsMatch(name))
        {
            problems.Add($"name '{ZfsNames.Printable(name)}' is not a unit name like zfs-snapshot or zfs-pull@host-storage (letters, digits, ':', '_', '.', '-', one '@' before an instance)");
        }

        if (!PlainPathPattern().IsMatch(root) || root.Split('/').Any(part => part is "." or ".."))
        {
            problems.Add($"root '{ZfsNames.Printable(root)}' must be an absolute path of letters, digits, '.', '_', '-' and '/'");
        }

        // A trailing backslash would continue the line into the next directive.
        if (onCalendar.Length is 0 or > 256 || onCalendar.Any(char.IsControl) || onCalendar.Contains('%', StringComparison.Ordinal) || onCalendar.EndsWith('\\'))
        {
            problems.Add($"on_calendar '{ZfsNames.Printable(onCalendar)}' is not a systemd calendar expression like *:0/15, hourly or daily");
        }

        // One text for every instance: they share the template service.
        var text = description ?? $"ZfsAnsible {program} ({name.Split('@')[0]})";
        if (text.Length > 256 || text.Any(char.IsControl) || text.EndsWith('\\'))
        {
            problems.Add("description must be one line of at most 256 characters, not ending in '\\'");
        }

        return Result.From(problems, () => new TimerDeclaration(name, program, onCalendar, text, root.Length > 1 ? root.TrimEnd('/') : root));
    }

    // systemd's unit name rules (unit_name_is_valid): a prefix, optionally "@" and an instance.
    [GeneratedRegex(@"^[A-Za-z0-9:_.\-]+(@[A-Za-z0-9:_.\-]+)?\z")]
    private static partial Regex UnitNamePattern();

    [GeneratedRegex(@"^/[A-Za-z0-9._/\-]*\z")]
    private static partial Regex PlainPathPattern();
}
