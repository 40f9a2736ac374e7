using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// zfsansible.zfs.zfs_timer through real ansible-playbook with the built binaries, on this machine (no systemd
/// running: the timer is enabled offline). What it installs is checked by systemd itself (systemd-analyze verify),
/// and the service's ExecStart is run by hand: the saved options drive a real snapshot run and a real pull.
/// The OpenZFS guest tier runs the same units under a booted systemd.
/// </summary>
public sealed class TimerTests : IDisposable
{
    private readonly ZfsSandbox _target = new();
    private readonly string _pool;
    private readonly string _root;

    public TimerTests()
    {
        _pool = _target.Pool();
        _target.Check("zpool", "create", "-f", "-m", $"{_target.Scratch}/mnt", _pool, _target.Vdevs(1)[0]);
        _root = Path.Combine(_target.Scratch, "host");
    }

    public void Dispose() => _target.Dispose();

    private string Dirs => $"        root: {_root}";

    private PlaybookRun Timer(string name, string program, string options, string extra = "", params string[] playOptions) => _target.Play(AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_timer:
                    name: {name}
                    program: {program}
                    options: {options}
            {Dirs}
            {extra}
            """), playOptions);

    private string Unit(string file) => File.ReadAllText(UnitPath(file));

    /// <summary>
    /// systemd-analyze verify of units in the root, as systemd there would load them (it fails on a missing ExecStart
    /// program, an unknown directive, a bad calendar); the root gets the system's own units to depend on.
    /// </summary>
    private ProcessOutcome Verify(params string[] units)
    {
        Processes.Check("mkdir", "-p", $"{_root}/usr/lib/systemd");
        Processes.Check("cp", "-a", "/usr/lib/systemd/system", $"{_root}/usr/lib/systemd/");
        return Processes.Run("systemd-analyze", ["verify", $"--root={_root}", .. units.Select(UnitPath)]);
    }

    private string UnitPath(string file) => $"{_root}/etc/systemd/system/{file}";

    private string Config(string name) => $"{_root}/etc/zfsansible/timers/{name}.json";

    [Fact]
    public void The_snapshot_timer_installs_its_program_and_units_once_and_they_verify_and_run()
    {
        var check = Timer("zfs-snapshot", "zfs_snapshot_prune", $"{{ datasets: [{_pool}], lock_dir: {_root}/locks }}", playOptions: ["--check", "--diff"]);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Equal(1, check.Changed);
        Assert.False(Directory.Exists(_root));

        var run = Timer("zfs-snapshot", "zfs_snapshot_prune", $"{{ datasets: [{_pool}], lock_dir: {_root}/locks }}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(1, run.Changed);
        Assert.Contains(run.Result()["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("not this host's systemd", StringComparison.Ordinal));
        var program = $"{_root}/usr/local/lib/zfsansible/zfs_snapshot_prune";
        Assert.Equal(File.ReadAllBytes(Repository.Executable("zfs_snapshot_prune", "linux-x64")), File.ReadAllBytes(program));
        Assert.Contains("OnCalendar=*:0/15", Unit("zfs-snapshot.timer"), StringComparison.Ordinal);
        Assert.Contains("Persistent=true", Unit("zfs-snapshot.timer"), StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/local/lib/zfsansible/zfs_snapshot_prune run --options-file /etc/zfsansible/timers/%N.json", Unit("zfs-snapshot.service"), StringComparison.Ordinal);
        Assert.True(File.Exists($"{_root}/etc/systemd/system/timers.target.wants/zfs-snapshot.timer"), "enabled (linked offline)");
        Assert.Contains("Environment=TZ=UTC", Unit("zfs-snapshot.service"), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Config("zfs-snapshot")));

        var verify = Verify("zfs-snapshot.service", "zfs-snapshot.timer");
        Assert.True(verify.ExitCode == 0, verify.ToString());

        // What systemd would run: the saved options take a real snapshot run.
        var exec = Processes.Run(program, ["run", "--options-file", Config("zfs-snapshot")]);
        Assert.True(exec.ExitCode == 0, exec.ToString());

        var second = Timer("zfs-snapshot", "zfs_snapshot_prune", $"{{ datasets: [{_pool}], lock_dir: {_root}/locks }}");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(0, second.Changed);

        // A new schedule rewrites the timer only; the program is not copied again.
        var hourly = Timer("zfs-snapshot", "zfs_snapshot_prune", $"{{ datasets: [{_pool}], lock_dir: {_root}/locks }}", "        on_calendar: hourly");
        Assert.Equal([UnitPath("zfs-snapshot.timer")], hourly.Result()["changed_files"]!.AsArray().Select(f => f!.GetValue<string>()));

        var removed = Timer("zfs-snapshot", "zfs_snapshot_prune", "{}", "        state: absent");
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Equal(1, removed.Changed);
        Assert.False(File.Exists(UnitPath("zfs-snapshot.timer")));
        Assert.False(File.Exists(Config("zfs-snapshot")));
        Assert.False(File.Exists($"{_root}/etc/systemd/system/timers.target.wants/zfs-snapshot.timer"));
        Assert.True(File.Exists(program));
    }

    [Fact]
    public void Pull_timers_share_one_template_and_each_source_has_its_own_timer_and_options()
    {
        string Options(string host) => $"{{ remote_host: {host}, target_root: {_pool}/raw/{host}, source_roots: [tank], ssh_key: /etc/zfsansible/ssh/pull_ed25519, lock_dir: {_root}/locks }}";
        var first = Timer("zfs-pull@host-storage", "zfs_replicate", Options("host-storage"), "        on_calendar: hourly");
        var second = Timer("zfs-pull@dns", "zfs_replicate", Options("dns"), "        on_calendar: \"*:30\"");
        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Equal("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", first.Result()["invocation"]!["module_args"]!["options"]!["ssh_key"]!.GetValue<string>());
        Assert.DoesNotContain("pull_ed25519", first.Raw, StringComparison.Ordinal);
        Assert.Contains("ExecStart=", Unit("zfs-pull@.service"), StringComparison.Ordinal);
        Assert.Contains("OnCalendar=hourly", Unit("zfs-pull@host-storage.timer"), StringComparison.Ordinal);
        Assert.Contains("OnCalendar=*:30", Unit("zfs-pull@dns.timer"), StringComparison.Ordinal);
        var saved = JsonNode.Parse(File.ReadAllText(Config("zfs-pull@dns")))!;
        Assert.Equal("dns", saved["remote_host"]!.GetValue<string>());

        // systemd reads the instance timer with the template service behind it.
        var verify = Verify("zfs-pull@dns.timer", "zfs-pull@.service");
        Assert.True(verify.ExitCode == 0, verify.ToString());

        // Removing one source keeps the template the other still uses.
        var removed = Timer("zfs-pull@dns", "zfs_replicate", "{}", "        state: absent");
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.True(File.Exists(UnitPath("zfs-pull@.service")));
        Assert.False(File.Exists(UnitPath("zfs-pull@dns.timer")));
    }

    [Theory]
    [InlineData("zfs-pull@a@b", "zfs_replicate", "{ target_root: backup }", "", "is not a unit name")]
    [InlineData("zfs-pull@x", "zfs_replicate", "{ remote_host: x }", "", "options: missing required arguments: target_root")]
    [InlineData("zfs-pull@x", "zfs_replicate", "{ target_root: backup, ssh_options: [ProxyCommand=id] }", "", "ProxyCommand is refused")]
    [InlineData("zfs-snapshot", "zfs_snapshot_prune", "{ colour: blue }", "", "Unsupported parameters for (zfsansible.zfs.zfs_timer) module: options.colour")]
    [InlineData("zfs-snapshot", "zfs_snapshot_prune", "{}", "        on_calendar: \"every tuesday\"", "is not a systemd calendar expression")]
    [InlineData("zfs-snapshot", "zfs_snapshot_prune", "{}", "        description: \"x\\nExecStartPre=/bin/sh\"", "description must be one line")]
    [InlineData("zfs-snapshot", "zfs_snapshot_prune", "{}", "        root: \"/srv/x y\"", "root '/srv/x y' must be an absolute path")]
    [InlineData("zfs-snapshot", "rm", "{}", "", "value of program must be one of: zfs_snapshot_prune, zfs_replicate, got: rm")]
    public void Bad_input_fails_the_task_and_installs_nothing(string name, string program, string options, string extra, string reason)
    {
        var run = _target.Play(AnsiblePlaybook.Play($"""
                  zfsansible.zfs.zfs_timer:
                    name: "{name}"
                    program: {program}
                    options: {options}
            {(extra.Contains("root:", StringComparison.Ordinal) ? string.Empty : $"        root: {_root}")}
            {extra}
            """));
        Assert.Equal(1, run.Failures);
        Assert.Contains(reason, run.Result()["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_root));
    }
}
