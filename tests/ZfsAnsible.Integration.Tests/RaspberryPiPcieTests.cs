using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Integration.Tests;

/// <summary>
/// The raspberry_pi_pcie role through real ansible-playbook on a fake Raspberry Pi 5 whose uname says aarch64, so
/// the collection runs its arm64 build (under qemu-user): a fresh image's config.txt gets PCIe gen 3 with exactly
/// two lines, the reboot is asked for once and never again, and the link is checked after it.
/// </summary>
public sealed class RaspberryPiPcieTests : IDisposable
{
    private const string Configure = "Enable the external PCIe connector";
    private const string Stop = "Stop here while a reboot is pending (raspberry_pi_pcie_reboot is false)";
    private const string Link = "The devices are on the PCIe bus";

    private readonly FakeRaspberryPi _pi = new();
    private readonly Dictionary<string, string> _aarch64;

    public RaspberryPiPcieTests() => _aarch64 = FakeUname.Aarch64(_pi.Root);

    public void Dispose() => _pi.Dispose();

    /// <summary>The role on every host of the inventory, pointed at the fake Pi.</summary>
    private string Play => $"""
        - name: The backup Pi's boot settings
          hosts: all
          gather_facts: false
          roles:
            - role: zfsansible.zfs.raspberry_pi_pcie
              vars:
                raspberry_pi_pcie_config_path: {_pi.ConfigPath}
                raspberry_pi_pcie_model_path: {_pi.ModelPath}
                raspberry_pi_pcie_sysfs_root: {_pi.SysfsRoot}
                raspberry_pi_pcie_reboot_marker: {_pi.MarkerPath}
        """;

    private PlaybookRun Run(params string[] options) => AnsiblePlaybook.Run(Play, ["-i", "localhost,", "-c", "local", .. options], _aarch64);

    private static JsonObject Task(PlaybookRun run, string prefix) =>
        run.ResultsOf("localhost").Single(r => r.Key.StartsWith(prefix, StringComparison.Ordinal)).Value;

    [Fact]
    public void A_fresh_image_gets_gen_3_from_the_arm64_build_and_asks_for_one_reboot()
    {
        var first = Run();
        Assert.True(first.ExitCode != 0, first.ToString());
        var configured = Task(first, Configure);
        Assert.True(configured["changed"]!.GetValue<bool>());
        Assert.True(configured["reboot_required"]!.GetValue<bool>());
        Assert.Equal("linux-arm64", configured["module_build"]!.GetValue<string>());
        Assert.StartsWith("a reboot is pending: added dtparam=pciex1 to [all]; added dtparam=pciex1_gen=3 to [all]", Task(first, Stop)["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(first.ResultsOf("localhost").Keys, k => k.StartsWith(Link, StringComparison.Ordinal));
        Assert.Equal(FakeRaspberryPi.Stock + "dtparam=pciex1\ndtparam=pciex1_gen=3\n", _pi.Config);
        Assert.Equal(2, _pi.BootFiles.Count);

        // Run again before rebooting: nothing left to change, and it still stops before the pool.
        var notRebooted = Run();
        Assert.True(notRebooted.ExitCode != 0, notRebooted.ToString());
        Assert.False(Task(notRebooted, Configure)["changed"]!.GetValue<bool>());
        Assert.Contains("a reboot is still pending for an earlier change", Task(notRebooted, Stop)["msg"]!.GetValue<string>(), StringComparison.Ordinal);

        _pi.Reboot();
        var second = Run();
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(0, second.Changed);
        Assert.False(Task(second, Configure)["reboot_required"]!.GetValue<bool>());
        var link = Task(second, Link);
        Assert.Equal("linux-arm64", link["module_build"]!.GetValue<string>());
        Assert.Equal("0000:01:00.0 (sata 197b:0585) at 8.0 GT/s PCIe (gen 3)", link["msg"]!.GetValue<string>());
        Assert.Null(link["warnings"]);

        var third = Run("--check", "--diff");
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Equal(0, third.Changed);
        Assert.Equal(FakeRaspberryPi.Stock + "dtparam=pciex1\ndtparam=pciex1_gen=3\n", _pi.Config);
        Assert.Equal(2, _pi.BootFiles.Count);
    }

    [Fact]
    public void Over_ssh_the_arm64_build_is_uploaded_and_asks_for_the_reboot_once()
    {
        // The same play through a real sshd on 127.0.0.1, as the Pi is reached: the arm64 binary travels over ssh and
        // runs there (binfmt), chosen by zfsansible_native_arch because this sshd's uname says x86_64.
        using var sshd = new LocalSshd();
        var inventory = Path.Combine(_pi.Root, "inventory.yml");
        File.WriteAllText(inventory, $"""
            all:
              hosts:
                belinda:
            {sshd.AnsibleVariables("      ")}
                  zfsansible_native_arch: aarch64
            """);
        PlaybookRun Converge() => AnsiblePlaybook.Run(Play, ["-i", inventory]);

        var first = Converge();
        Assert.True(first.ExitCode != 0, first.ToString());
        var configured = first.ResultsOf("belinda").Single(r => r.Key.StartsWith(Configure, StringComparison.Ordinal)).Value;
        Assert.Equal("linux-arm64", configured["module_build"]!.GetValue<string>());
        Assert.True(configured["reboot_required"]!.GetValue<bool>());
        Assert.Equal(FakeRaspberryPi.Stock + "dtparam=pciex1\ndtparam=pciex1_gen=3\n", _pi.Config);

        _pi.Reboot();
        var second = Converge();
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(0, second.Changed);
        Assert.False(second.ResultsOf("belinda").Single(r => r.Key.StartsWith(Configure, StringComparison.Ordinal)).Value["reboot_required"]!.GetValue<bool>());
    }

    [Fact]
    public void Check_mode_reports_the_change_and_the_reboot_and_writes_nothing()
    {
        var run = Run("--check", "--diff");
        Assert.True(run.ExitCode == 0, run.ToString());
        var configured = Task(run, Configure);
        Assert.True(configured["changed"]!.GetValue<bool>());
        Assert.True(configured["reboot_required"]!.GetValue<bool>());
        Assert.EndsWith("[all]\ndtparam=pciex1\ndtparam=pciex1_gen=3\n", configured["diff"]!["after"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(Task(run, Link)["skipped"]!.GetValue<bool>());
        Assert.Equal(FakeRaspberryPi.Stock, _pi.Config);
        Assert.Equal(["config.txt"], _pi.BootFiles);
    }

    [Fact]
    public void A_link_slower_than_asked_is_a_warning_and_a_missing_controller_a_failure()
    {
        File.AppendAllText(_pi.ConfigPath, "dtparam=pciex1\ndtparam=pciex1_gen=3\n");

        var missing = Run();
        Assert.True(missing.ExitCode != 0, missing.ToString());
        Assert.StartsWith("no SATA controller on the PCIe bus", Task(missing, Link)["msg"]!.GetValue<string>(), StringComparison.Ordinal);

        _pi.Reboot("5.0 GT/s PCIe");
        var slow = Run();
        Assert.True(slow.ExitCode == 0, slow.ToString());
        Assert.Contains("negotiated gen 2, lower than the gen 3 asked", Task(slow, Link)["warnings"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_board_that_is_not_a_Pi_5_is_refused_and_keeps_its_file()
    {
        File.WriteAllText(_pi.ModelPath, "Raspberry Pi 4 Model B Rev 1.4\0");
        var run = Run();
        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("this board is a Raspberry Pi 4 Model B Rev 1.4; set force: true", Task(run, Configure)["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(FakeRaspberryPi.Stock, _pi.Config);
    }
}
