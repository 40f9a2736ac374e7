using System.Text;
using System.Text.Json.Nodes;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Contract.Tests;

/// <summary>
/// The built pi_boot_config binaries, both architectures (arm64 under qemu-user), on a fake Pi 5's stock config.txt:
/// a setting goes in once and reports the reboot once; hostile and broken input gets one clean failure and leaves the
/// file byte for byte as it was, with nothing left beside it.
/// </summary>
public class PiBootConfigContractTests
{
    private static IEnumerable<(string Case, string Args, string Reason)> Corpus()
    {
        const string Gen3 = "[{\"dtparam\": \"pciex1\"}, {\"dtparam\": \"pciex1_gen\", \"value\": 3}]";
        yield return ("not json", "settings=pciex1", "not valid JSON");
        yield return ("unknown key", "{\"settings\": " + Gen3 + ", \"colour\": 1}", "Unsupported parameters for (pi_boot_config) module: colour");
        yield return ("missing settings", "{\"path\": \"{config}\"}", "missing required arguments: settings");
        yield return ("empty settings", "{\"settings\": []}", "settings is empty");
        yield return ("settings as a dict", "{\"settings\": {\"dtparam\": \"pciex1\"}}", "settings");
        yield return ("setting of no kind", "{\"settings\": [{\"value\": 3}]}", "one of the following is required: dtparam, dtoverlay, key found in settings[0]");
        yield return ("setting of two kinds", "{\"settings\": [{\"dtparam\": \"pciex1\", \"key\": \"arm_boost\"}]}", "parameters are mutually exclusive: dtparam|dtoverlay|key found in settings[0]");
        yield return ("unknown setting key", "{\"settings\": [{\"dtparam\": \"pciex1\", \"gen\": 3}]}", "settings.gen");
        yield return ("bad state", "{\"settings\": [{\"dtparam\": \"pciex1\", \"state\": \"gone\"}]}", "value of state must be one of: present, absent, got: gone");
        yield return ("newline in a value", "{\"settings\": [{\"dtparam\": \"pciex1_gen\", \"value\": \"3\\n[all]\\ndtoverlay=evil\"}]}", "must be printable ASCII on one line");
        yield return ("comment in a value", "{\"settings\": [{\"dtparam\": \"pciex1_gen\", \"value\": \"3 # fast\"}]}", "may not hold '#'");
        yield return ("section in a value", "{\"settings\": [{\"key\": \"arm_boost\", \"value\": \"[pi4]\"}]}", "may not hold '['");
        yield return ("equals in a value", "{\"settings\": [{\"dtparam\": \"pciex1_gen\", \"value\": \"3=4\"}]}", "may not hold '='");
        yield return ("second param in a value", "{\"settings\": [{\"dtparam\": \"pciex1_gen\", \"value\": \"3,audio\"}]}", "may not hold ','");
        yield return ("name with shell", "{\"settings\": [{\"dtparam\": \"pciex1;touch /tmp/zfsansible-pwned\"}]}", "is not valid");
        yield return ("name beginning with -", "{\"settings\": [{\"dtoverlay\": \"-rf\"}]}", "is not valid");
        yield return ("key with equals", "{\"settings\": [{\"key\": \"arm_boost=1\", \"value\": 1}]}", "is not valid");
        yield return ("dtparam as a key", "{\"settings\": [{\"key\": \"dtparam\", \"value\": \"pciex1\"}]}", "cannot be set as a plain key");
        yield return ("key without a value", "{\"settings\": [{\"key\": \"arm_boost\"}]}", "key arm_boost needs a value");
        yield return ("value a list", "{\"settings\": [{\"dtparam\": \"pciex1_gen\", \"value\": [3]}]}", "must be a string, a whole number or a boolean, got list");
        yield return ("params on a dtparam", "{\"settings\": [{\"dtparam\": \"pciex1\", \"params\": {\"a\": 1}}]}", "params belong to a dtoverlay");
        yield return ("value on an overlay", "{\"settings\": [{\"dtoverlay\": \"gpio-fan\", \"value\": 1}]}", "a dtoverlay takes params");
        yield return ("overlay param hostile", "{\"settings\": [{\"dtoverlay\": \"gpio-fan\", \"params\": {\"temp\": \"1\\ndtparam=x\"}}]}", "must be printable ASCII on one line");
        yield return ("one setting twice", "{\"settings\": [{\"dtparam\": \"pciex1\"}, {\"dtparam\": \"pciex1\", \"state\": \"absent\"}]}", "settings[0] and settings[1] both declare dtparam pciex1");
        yield return ("huge value", "{\"settings\": [{\"key\": \"arm_boost\", \"value\": \"" + new string('9', 9000) + "\"}]}", "the firmware reads only 98");
        yield return ("section hostile", "{\"section\": \"pi5]\\n[all\", \"settings\": " + Gen3 + "}", "is not a valid conditional filter");
        yield return ("force not a bool", "{\"settings\": " + Gen3 + ", \"force\": \"perhaps\"}", "unable to convert to bool");
        yield return ("relative path", "{\"settings\": " + Gen3 + ", \"path\": \"config.txt\"}", "path must be an absolute path");
        yield return ("relative marker", "{\"settings\": " + Gen3 + ", \"reboot_marker\": \"run/marker\"}", "reboot_marker must be an absolute path");
        yield return ("missing file", "{\"settings\": " + Gen3 + ", \"path\": \"/nonexistent/config.txt\"}", "/nonexistent/config.txt does not exist");
        yield return ("a directory", "{\"settings\": " + Gen3 + ", \"path\": \"{boot}\"}", "does not exist (or is not a file)");
        yield return ("PCIe on a Pi 4", "{\"settings\": " + Gen3 + ", \"model_path\": \"{pi4}\"}", "this board is a Raspberry Pi 4 Model B Rev 1.4; set force: true to write them anyway");
        yield return ("PCIe on an unknown board", "{\"settings\": " + Gen3 + ", \"model_path\": \"/nonexistent/model\"}", "the board is unknown (/nonexistent/model cannot be read)");
    }

    public static TheoryData<string, string> BadInputs() => BothArchitectures.Times(Corpus().Select(c => c.Case));

    /// <summary>The args as a task would send them: path and model_path of the fake Pi unless the case sets its own.</summary>
    private static byte[] Args(string template, FakeRaspberryPi pi)
    {
        var text = template
            .Replace("{config}", pi.ConfigPath, StringComparison.Ordinal)
            .Replace("{boot}", Path.GetDirectoryName(pi.ConfigPath), StringComparison.Ordinal)
            .Replace("{pi4}", Path.Combine(pi.Root, "pi4-model"), StringComparison.Ordinal);
        if (!text.StartsWith('{'))
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var args = JsonNode.Parse(text)!.AsObject();
        args["path"] ??= pi.ConfigPath;
        args["model_path"] ??= pi.ModelPath;
        args["reboot_marker"] ??= pi.MarkerPath;
        return Encoding.UTF8.GetBytes(args.ToJsonString());
    }

    private static JsonObject Call(string rid, FakeRaspberryPi pi, string args, bool check = false)
    {
        var json = JsonNode.Parse(Encoding.UTF8.GetString(Args(args, pi)))!.AsObject();
        json["_ansible_check_mode"] = check;
        json["_ansible_diff"] = true;
        return new NativeModule("pi_boot_config", rid).Call(json);
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gets_one_clean_failure_and_leaves_config_txt_as_it_was(string rid, string caseName)
    {
        var (_, template, reason) = Corpus().Single(c => c.Case == caseName);
        using var pi = new FakeRaspberryPi();
        File.WriteAllText(Path.Combine(pi.Root, "pi4-model"), "Raspberry Pi 4 Model B Rev 1.4\0");

        var outcome = new NativeModule("pi_boot_config", rid).RunRaw(Args(template, pi));

        CleanFailure.Assert(outcome, reason);
        Assert.Equal(FakeRaspberryPi.Stock, pi.Config);
        Assert.Equal(["config.txt"], pi.BootFiles);
        Assert.False(File.Exists(pi.MarkerPath));
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void A_fresh_image_gets_two_lines_once_and_a_reboot_once(string rid)
    {
        using var pi = new FakeRaspberryPi();
        const string Gen3 = "{\"settings\": [{\"dtparam\": \"pciex1\"}, {\"dtparam\": \"pciex1_gen\", \"value\": 3}], \"backup\": true}";

        var checkMode = Call(rid, pi, Gen3, check: true);
        Assert.True(checkMode["changed"]!.GetValue<bool>(), checkMode.ToJsonString());
        Assert.True(checkMode["reboot_required"]!.GetValue<bool>());
        Assert.StartsWith("would have added dtparam=pciex1 to [all]; added dtparam=pciex1_gen=3 to [all]", checkMode["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(FakeRaspberryPi.Stock, pi.Config);

        var first = Call(rid, pi, Gen3);
        Assert.True(first["changed"]!.GetValue<bool>(), first.ToJsonString());
        Assert.True(first["reboot_required"]!.GetValue<bool>());
        Assert.Equal(rid, first["module_build"]!.GetValue<string>());
        Assert.Equal("Raspberry Pi 5 Model B Rev 1.0", first["board_model"]!.GetValue<string>());
        Assert.Equal(FakeRaspberryPi.Stock + "dtparam=pciex1\ndtparam=pciex1_gen=3\n", pi.Config);
        Assert.Equal(FakeRaspberryPi.Stock + "dtparam=pciex1\ndtparam=pciex1_gen=3\n", first["diff"]!["after"]!.GetValue<string>());
        Assert.Equal($"{pi.ConfigPath} (before)", first["diff"]!["before_header"]!.GetValue<string>());
        Assert.Equal(FakeRaspberryPi.Stock, File.ReadAllText(first["backup_file"]!.GetValue<string>()));

        Assert.True(first["reboot_pending"]!.GetValue<bool>());
        Assert.Contains("added dtparam=pciex1 to [all]", File.ReadAllText(pi.MarkerPath), StringComparison.Ordinal);

        // Before the reboot: nothing to change, and the reboot is still due; after it, neither.
        var beforeReboot = Call(rid, pi, Gen3);
        Assert.False(beforeReboot["changed"]!.GetValue<bool>(), beforeReboot.ToJsonString());
        Assert.False(beforeReboot["reboot_required"]!.GetValue<bool>());
        Assert.True(beforeReboot["reboot_pending"]!.GetValue<bool>());
        Assert.EndsWith($"a reboot is still pending for an earlier change (recorded in {pi.MarkerPath})", beforeReboot["msg"]!.GetValue<string>(), StringComparison.Ordinal);

        pi.Reboot();
        var second = Call(rid, pi, Gen3);
        Assert.False(second["changed"]!.GetValue<bool>(), second.ToJsonString());
        Assert.False(second["reboot_required"]!.GetValue<bool>());
        Assert.False(second["reboot_pending"]!.GetValue<bool>());
        Assert.Null(second["backup_file"]);
        Assert.Equal(2, pi.BootFiles.Count);

        // A plain key without a value is removed from every line of the section.
        var removed = Call(rid, pi, "{\"settings\": [{\"key\": \"arm_boost\", \"state\": \"absent\"}]}");
        Assert.True(removed["changed"]!.GetValue<bool>(), removed.ToJsonString());
        Assert.DoesNotContain("arm_boost", pi.Config, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void The_PCIe_info_reports_the_link_and_warns_when_it_is_slower(string rid)
    {
        using var pi = new FakeRaspberryPi();
        JsonObject Info(string args) => new NativeModule("pi_boot_config", rid).Call(JsonNode.Parse(args.Replace("{sys}", pi.SysfsRoot, StringComparison.Ordinal))!.AsObject());
        const string Sata = "{\"_ansible_module_name\": \"zfsansible.zfs.pi_pcie_info\", \"sysfs_root\": \"{sys}\", \"require\": [\"sata\"], \"expected_gen\": 3}";

        var before = Info(Sata);
        Assert.True(before["failed"]!.GetValue<bool>());
        Assert.StartsWith("no SATA controller on the PCIe bus", before["msg"]!.GetValue<string>(), StringComparison.Ordinal);

        // The Pi's own RP1 (an Ethernet controller on the internal link, at gen 2) is neither the HAT nor slow.
        Assert.StartsWith("no Ethernet controller on the PCIe bus", Info(Sata.Replace("sata", "ethernet", StringComparison.Ordinal))["msg"]!.GetValue<string>(), StringComparison.Ordinal);

        pi.Reboot("5.0 GT/s PCIe");
        var slow = Info(Sata);
        Assert.False(slow["failed"]!.GetValue<bool>(), slow.ToJsonString());
        Assert.Single(slow["warnings"]!.AsArray());
        Assert.Contains("0000:01:00.0 (sata 197b:0585) at 5.0 GT/s PCIe negotiated gen 2, lower than the gen 3 asked", slow["warnings"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["bridge", "sata", "bridge", "internal"], slow["devices"]!.AsArray().Select(d => d!["kind"]!.GetValue<string>()));

        var bad = Info("{\"_ansible_module_name\": \"pi_pcie_info\", \"sysfs_root\": \"{sys}\", \"require\": [\"floppy\"], \"expected_gen\": 9}");
        Assert.True(bad["failed"]!.GetValue<bool>());
        Assert.Contains("value of require must be one or more of: sata, nvme, usb, ethernet, got: floppy", bad["msg"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("expected_gen must be between 1 and 5, got 9", Info("{\"_ansible_module_name\": \"pi_pcie_info\", \"expected_gen\": 9}")["msg"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BothArchitectures.Each), MemberType = typeof(BothArchitectures))]
    public void The_command_shows_settings_and_refuses_bad_options_with_exit_2(string rid)
    {
        using var pi = new FakeRaspberryPi();
        var module = new NativeModule("pi_boot_config", rid);
        var show = module.Run("show", "--path", pi.ConfigPath, "--section", "cm5");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal("49\t[cm5]\tdtoverlay=dwc2,dr_mode=host\n", show.StandardOutput);

        pi.Reboot();
        var pcie = module.Run("pcie", "--sysfs-root", pi.SysfsRoot);
        Assert.Contains("0000:01:00.0 (sata 197b:0585) at 8.0 GT/s PCIe (gen 3), max 8.0 GT/s PCIe, x1", pcie.StandardOutput, StringComparison.Ordinal);

        foreach (var argv in new[] { new[] { "show", "--section", "pi5]\n[all" }, ["shwo"], ["show", "--path"], ["pcie", "--no-such"] })
        {
            var outcome = module.Run(argv);
            Assert.True(outcome.ExitCode == 2, $"{string.Join(' ', argv)}: {outcome}");
            Assert.Empty(outcome.StandardOutput);
            Assert.DoesNotContain("   at ", outcome.StandardError, StringComparison.Ordinal);
        }

        Assert.Equal(1, module.Run("show", "--path", "/nonexistent/config.txt").ExitCode);
        Assert.Equal(FakeRaspberryPi.Stock, pi.Config);
    }
}
