using System.Collections.Immutable;
using ZfsAnsible.Domain.BootConfig;

namespace ZfsAnsible.Domain.Tests.BootConfig;

/// <summary>The config.txt editor on files as Raspberry Pi OS ships them and as people leave them: exactly the lines needed change.</summary>
public class BootConfigEditorTests
{
    private static readonly BootSetting[] Gen3 = [BootSetting.DtParam("pciex1"), BootSetting.DtParam("pciex1_gen", "3")];

    private static string File(string name) => System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BootConfig", "files", name));

    private static BootConfigEdit Plan(string text, string filter, params BootSetting[] settings)
    {
        var edit = BootConfigEditor.Plan(ConfigTxt.Parse(text), filter, settings);
        Assert.True(edit.IsOk, edit.Error?.Message);
        return edit.Value;
    }

    /// <summary>A second plan on the result must change nothing: the editor is idempotent on every case.</summary>
    private static BootConfigEdit PlanTwice(string text, string filter, params BootSetting[] settings)
    {
        var edit = Plan(text, filter, settings);
        var again = Plan(edit.After.Render(), filter, settings);
        Assert.False(again.Changed, string.Join("; ", again.Changes));
        Assert.False(again.RebootRequired);
        Assert.Equal(edit.After.Render(), again.After.Render());
        return edit;
    }

    [Theory]
    [InlineData("bookworm-stock.txt")]
    [InlineData("bullseye-stock.txt")]
    [InlineData("bookworm-edited.txt")]
    [InlineData("bookworm-boot-pointer.txt")]
    public void Every_file_renders_back_to_the_same_text(string name)
    {
        var text = File(name);
        Assert.Equal(text, ConfigTxt.Parse(text).Render());
        Assert.Equal(text.Replace("\n", "\r\n", StringComparison.Ordinal), ConfigTxt.Parse(text.Replace("\n", "\r\n", StringComparison.Ordinal)).Render());
        Assert.Equal(text.TrimEnd('\n'), ConfigTxt.Parse(text.TrimEnd('\n')).Render());
    }

    [Fact]
    public void Bookworm_stock_gets_exactly_two_lines_in_its_last_all_section()
    {
        var stock = File("bookworm-stock.txt");
        var edit = PlanTwice(stock, "all", Gen3);

        Assert.Equal(stock + "dtparam=pciex1\ndtparam=pciex1_gen=3\n", edit.After.Render());
        Assert.True(edit.RebootRequired);
        Assert.Equal(["added dtparam=pciex1 to [all]", "added dtparam=pciex1_gen=3 to [all]"], edit.Changes);
        Assert.Empty(edit.Warnings);
        Assert.Equal([52, 53], edit.Settings.Select(s => s.Line!.Value));
    }

    [Fact]
    public void Bullseye_stock_gets_them_in_its_last_all_section_after_the_pi4_one()
    {
        var stock = File("bullseye-stock.txt");
        var edit = PlanTwice(stock, "all", Gen3);
        Assert.Equal(stock + "dtparam=pciex1\ndtparam=pciex1_gen=3\n", edit.After.Render());
    }

    [Fact]
    public void A_file_a_person_edited_changes_on_one_line_and_keeps_its_comment()
    {
        var edited = File("bookworm-edited.txt");
        var edit = PlanTwice(edited, "all", Gen3);

        Assert.Equal(edited.Replace("dtparam=pciex1_gen=2  # gen 3", "dtparam=pciex1_gen=3  # gen 3", StringComparison.Ordinal), edit.After.Render());
        Assert.Equal(["changed dtparam=pciex1_gen=2 to dtparam=pciex1_gen=3 in [all]"], edit.Changes);
        Assert.True(edit.RebootRequired);
    }

    [Fact]
    public void A_value_with_a_trailing_comment_that_is_already_right_is_left_alone()
    {
        var text = "[all]\ndtparam=pciex1 # the HAT\ndtparam=pciex1_gen=3\t# fast\n";
        var edit = Plan(text, "all", Gen3);
        Assert.False(edit.Changed);
        Assert.Equal(text, edit.After.Render());
    }

    [Fact]
    public void With_duplicated_keys_the_last_one_wins_and_is_the_one_changed()
    {
        var text = "dtparam=pciex1_gen=3\narm_boost=1\ndtparam=pciex1_gen=2\n";
        var edit = PlanTwice(text, "all", BootSetting.DtParam("pciex1_gen", "3"));
        Assert.Equal("dtparam=pciex1_gen=3\narm_boost=1\ndtparam=pciex1_gen=3\n", edit.After.Render());

        // The other way round the file already says gen 3 where it counts: nothing to do.
        Assert.False(Plan("dtparam=pciex1_gen=2\ndtparam=pciex1_gen=3\n", "all", BootSetting.DtParam("pciex1_gen", "3")).Changed);
    }

    [Fact]
    public void Absent_removes_every_duplicate_so_no_earlier_one_takes_over()
    {
        var text = "dtparam=audio=on\narm_boost=1\n[pi4]\ndtparam=audio=off\n[all]\ndtparam=audio=on\n";
        var edit = PlanTwice(text, "all", BootSetting.DtParam("audio", present: false));
        Assert.Equal("arm_boost=1\n[pi4]\ndtparam=audio=off\n[all]\n", edit.After.Render());
        Assert.Equal(["removed dtparam=audio=on from [all]"], edit.Changes);
        Assert.True(edit.RebootRequired);
    }

    [Fact]
    public void A_setting_in_a_cm4_section_only_does_not_count_for_all()
    {
        var text = "arm_64bit=1\n\n[cm4]\ndtparam=pciex1\notg_mode=1\n";
        var edit = PlanTwice(text, "all", BootSetting.DtParam("pciex1"));
        Assert.Equal("arm_64bit=1\ndtparam=pciex1\n\n[cm4]\ndtparam=pciex1\notg_mode=1\n", edit.After.Render());
        Assert.False(Plan(text, "cm4", BootSetting.DtParam("pciex1")).Changed);
    }

    [Fact]
    public void A_plain_key_is_removed_without_a_value()
    {
        var edit = PlanTwice("arm_boost=1\n[pi4]\narm_boost=1\n", "all", BootSetting.Key("arm_boost", null, present: false));
        Assert.Equal("[pi4]\narm_boost=1\n", edit.After.Render());
        Assert.Empty(BootConfigNames.Problems(BootSetting.Key("arm_boost", null, present: false), "settings[0]"));
        Assert.Equal(["line 2 ('arm_boost=1') still sets arm_boost on boards that match [pi4]"], edit.Warnings);
    }

    [Fact]
    public void A_section_with_only_a_comment_gets_the_line_after_the_comment()
    {
        var edit = PlanTwice("arm_64bit=1\n[all]\n# The SATA HAT\n", "all", BootSetting.DtParam("pciex1"));
        Assert.Equal("arm_64bit=1\n[all]\n# The SATA HAT\ndtparam=pciex1\n", edit.After.Render());
    }

    [Fact]
    public void A_missing_section_is_created_at_the_end()
    {
        var stock = File("bookworm-stock.txt");
        var edit = PlanTwice(stock, "pi5", Gen3);
        Assert.Equal(stock + "\n[pi5]\ndtparam=pciex1\ndtparam=pciex1_gen=3\n", edit.After.Render());
    }

    [Fact]
    public void A_later_section_that_sets_it_otherwise_is_warned_about()
    {
        var edit = Plan("[all]\n[pi5]\ndtparam=pciex1_gen=2\n", "all", BootSetting.DtParam("pciex1_gen", "3"));
        Assert.Equal("[all]\ndtparam=pciex1_gen=3\n[pi5]\ndtparam=pciex1_gen=2\n", edit.After.Render());
        Assert.Equal(["line 4 ('dtparam=pciex1_gen=2') comes after dtparam=pciex1_gen=3 in [all] and wins over it on boards that match [pi5]"], edit.Warnings);
    }

    [Fact]
    public void CRLF_files_get_CRLF_lines()
    {
        var stock = File("bookworm-stock.txt").Replace("\n", "\r\n", StringComparison.Ordinal);
        var edit = PlanTwice(stock, "all", Gen3);
        Assert.Equal(stock + "dtparam=pciex1\r\ndtparam=pciex1_gen=3\r\n", edit.After.Render());
    }

    [Fact]
    public void A_file_without_a_trailing_newline_still_ends_without_one()
    {
        var edit = PlanTwice("arm_64bit=1", "all", Gen3);
        Assert.Equal("arm_64bit=1\ndtparam=pciex1\ndtparam=pciex1_gen=3", edit.After.Render());

        var removed = PlanTwice("arm_64bit=1\ndtparam=pciex1", "all", BootSetting.DtParam("pciex1", present: false));
        Assert.Equal("arm_64bit=1", removed.After.Render());
    }

    [Fact]
    public void A_file_that_begins_with_a_section_gets_an_all_section_at_the_end()
    {
        var edit = PlanTwice("[pi4]\narm_boost=1\n", "all", BootSetting.DtParam("pciex1"));
        Assert.Equal("[pi4]\narm_boost=1\n\n[all]\ndtparam=pciex1\n", edit.After.Render());

        var commentsOnTop = PlanTwice("# my Pi\n\n[pi4]\narm_boost=1\n", "all", BootSetting.DtParam("pciex1"));
        Assert.Equal("# my Pi\ndtparam=pciex1\n\n[pi4]\narm_boost=1\n", commentsOnTop.After.Render());
    }

    [Fact]
    public void An_empty_file_gets_the_lines_alone()
    {
        var edit = PlanTwice(string.Empty, "all", Gen3);
        Assert.Equal("dtparam=pciex1\ndtparam=pciex1_gen=3\n", edit.After.Render());
        Assert.True(edit.RebootRequired);
    }

    [Fact]
    public void A_bare_dtparam_and_on_say_the_same()
    {
        Assert.False(Plan("dtparam=pciex1=on\n", "all", BootSetting.DtParam("pciex1")).Changed);
        Assert.False(Plan("dtparam=pciex1\n", "all", BootSetting.DtParam("pciex1", "on")).Changed);
        Assert.Equal("dtparam=pciex1=off\n", Plan("dtparam=pciex1\n", "all", BootSetting.DtParam("pciex1", "off")).After.Render());
    }

    [Fact]
    public void A_line_holding_several_dtparams_is_edited_item_by_item()
    {
        var text = "dtparam=i2c_arm=on,pciex1_gen=2,spi=on # buses\n";
        Assert.Equal("dtparam=i2c_arm=on,pciex1_gen=3,spi=on # buses\n", PlanTwice(text, "all", BootSetting.DtParam("pciex1_gen", "3")).After.Render());
        Assert.Equal("dtparam=i2c_arm=on,spi=on # buses\n", PlanTwice(text, "all", BootSetting.DtParam("pciex1_gen", present: false)).After.Render());
    }

    [Fact]
    public void An_overlay_is_matched_by_name_and_its_params_in_any_order()
    {
        var edited = File("bookworm-edited.txt");
        var fan = BootSetting.DtOverlay("gpio-fan", [new OverlayParam("temp", "60000"), new OverlayParam("gpiopin", "14")]);
        Assert.False(Plan(edited, "all", fan).Changed);

        var warmer = BootSetting.DtOverlay("gpio-fan", [new OverlayParam("gpiopin", "14"), new OverlayParam("temp", "65000")]);
        var edit = PlanTwice(edited, "all", warmer);
        Assert.Equal(edited.Replace("temp=60000", "temp=65000", StringComparison.Ordinal), edit.After.Render());

        // The cm5 section's dwc2 overlay is not in [all]: removing it there leaves that line alone.
        Assert.False(Plan(edited, "all", BootSetting.DtOverlay("dwc2", present: false)).Changed);
        Assert.DoesNotContain("dwc2", PlanTwice(edited, "cm5", BootSetting.DtOverlay("dwc2", present: false)).After.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_key_is_changed_in_place_and_added_when_missing()
    {
        var edit = PlanTwice(File("bookworm-stock.txt"), "all", BootSetting.Key("arm_boost", "0"), BootSetting.Key("usb_max_current_enable", "1"));
        Assert.Contains("\narm_boost=0\n", edit.After.Render(), StringComparison.Ordinal);
        Assert.EndsWith("[all]\nusb_max_current_enable=1\n", edit.After.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_the_firmware_does_not_read_never_decide_a_reboot()
    {
        var before = ConfigTxt.Parse("arm_boost=1\n");
        var commented = ConfigTxt.Parse("# fast\narm_boost=1   # really\n\n");
        Assert.Equal(before.Effective(), commented.Effective());
        Assert.NotEqual(before.Effective(), ConfigTxt.Parse("arm_boost=0\n").Effective());
    }

    [Fact]
    public void A_pointer_file_names_its_target_and_a_real_file_none()
    {
        Assert.Equal("/boot/firmware/config.txt", ConfigTxt.Parse(File("bookworm-boot-pointer.txt")).PointerTarget());
        Assert.Null(ConfigTxt.Parse(File("bookworm-stock.txt")).PointerTarget());
        Assert.Null(ConfigTxt.Parse("# has moved to /elsewhere\narm_boost=1\n").PointerTarget());
    }

    [Fact]
    public void A_change_that_would_make_a_line_longer_than_the_firmware_reads_is_refused()
    {
        var longLine = "dtparam=" + string.Join(',', Enumerable.Range(0, 9).Select(i => $"param{i}=on")) + ",pciex1_gen=2";
        var edit = BootConfigEditor.Plan(ConfigTxt.Parse(longLine + "\n"), "all", [BootSetting.DtParam("pciex1_gen", "33333333")]);
        Assert.False(edit.IsOk);
        Assert.Contains("the firmware reads only 98", edit.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pciex1\nrm", "3", "name 'pciex1?rm' is not valid")]
    [InlineData("pciex1_gen", "3\ndtoverlay=evil", "must be printable ASCII on one line")]
    [InlineData("pciex1_gen", "3 # fast", "may not hold '#'")]
    [InlineData("pciex1_gen", "[pi4]", "may not hold '['")]
    [InlineData("pciex1_gen", "3]", "may not hold ']'")]
    [InlineData("pciex1_gen", "a=b", "may not hold '='")]
    [InlineData("pciex1_gen", "3,spi", "may not hold ','")]
    [InlineData("pciex1_gen", " 3", "may not begin or end with a blank")]
    [InlineData("pciex1_gen", "", "is empty")]
    [InlineData("-pciex1", "3", "is not valid")]
    [InlineData("pci=ex1", null, "is not valid")]
    public void Hostile_names_and_values_are_refused(string name, string? value, string reason)
    {
        var problems = BootConfigNames.Problems(BootSetting.DtParam(name, value), "settings[0]").ToList();
        Assert.Contains(problems, p => p.Contains(reason, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain('\n', p));
    }

    [Theory]
    [InlineData("dtparam")]
    [InlineData("include")]
    [InlineData("initramfs")]
    [InlineData("arm boost")]
    [InlineData("arm_boost=1")]
    public void Keys_that_are_not_plain_settings_are_refused(string key) =>
        Assert.NotEmpty(BootConfigNames.Problems(BootSetting.Key(key, "1"), "settings[0]"));

    [Theory]
    [InlineData("all", "all")]
    [InlineData("[pi5]", "pi5")]
    [InlineData("gpio4=1", "gpio4=1")]
    [InlineData("board-type=0x17", "board-type=0x17")]
    public void Section_filters_are_read_with_or_without_brackets(string given, string filter) => Assert.Equal(filter, BootConfigNames.Filter(given).Value);

    [Theory]
    [InlineData("pi5]\n[all")]
    [InlineData("all # x")]
    [InlineData("")]
    [InlineData("[pi5")]
    public void Section_filters_that_would_break_the_file_are_refused(string given) => Assert.False(BootConfigNames.Filter(given).IsOk);

    [Fact]
    public void PCIe_settings_are_refused_on_any_board_but_a_Pi_5()
    {
        ImmutableArray<BootSetting> settings = [.. Gen3];
        Assert.Null(BoardModel.FromDeviceTree("Raspberry Pi 5 Model B Rev 1.0\0").Refuses(settings, "/proc/device-tree/model"));
        Assert.Null(BoardModel.FromDeviceTree("Raspberry Pi Compute Module 5 Rev 1.0\0").Refuses(settings, "m"));
        Assert.Contains("this board is a Raspberry Pi 4 Model B Rev 1.4; set force: true", BoardModel.FromDeviceTree("Raspberry Pi 4 Model B Rev 1.4\0").Refuses(settings, "m")!.Message, StringComparison.Ordinal);
        Assert.Contains("the board is unknown (/proc/device-tree/model cannot be read)", BoardModel.FromDeviceTree(null).Refuses(settings, "/proc/device-tree/model")!.Message, StringComparison.Ordinal);
        Assert.Null(BoardModel.FromDeviceTree(null).Refuses([BootSetting.DtParam("pciex1", present: false), BootSetting.Key("arm_boost", "1")], "m"));
    }

    [Theory]
    [InlineData("8.0 GT/s PCIe", 3)]
    [InlineData("5.0 GT/s PCIe", 2)]
    [InlineData("2.5 GT/s PCIe", 1)]
    [InlineData("16.0 GT/s PCIe", 4)]
    [InlineData("Unknown", null)]
    [InlineData(null, null)]
    public void Link_speeds_are_read_as_generations(string? speed, int? gen) => Assert.Equal(gen, PcieLinkSpeed.Generation(speed));

    [Fact]
    public void A_required_device_must_be_there_and_a_slower_link_is_warned_about()
    {
        var bridge = new PcieDevice("0000:00:00.0", "0x060400", "0x14e4", "0x2712", "5.0 GT/s PCIe", "8.0 GT/s PCIe", "1");
        var sata = new PcieDevice("0000:01:00.0", "0x010601", "0x197b", "0x0585", "5.0 GT/s PCIe", "8.0 GT/s PCIe", "1");
        var report = PcieLinkReport.Check([bridge, sata], [PcieDeviceKind.Sata], 3, "/sys/bus/pci/devices");
        Assert.True(report.IsOk);
        Assert.Equal("0000:01:00.0 (sata 197b:0585) at 5.0 GT/s PCIe (gen 2)", report.Value.Summary);
        Assert.Single(report.Value.Warnings);
        Assert.Contains("negotiated gen 2, lower than the gen 3 asked", report.Value.Warnings[0], StringComparison.Ordinal);

        Assert.Empty(PcieLinkReport.Check([sata with { CurrentLinkSpeed = "8.0 GT/s PCIe" }], [PcieDeviceKind.Sata], 3, "d").Value.Warnings);
        // The Pi's own RP1 chip is an Ethernet controller on the internal link: never a HAT's device.
        var rp1 = new PcieDevice("0001:01:00.0", "0x020000", PcieDevice.RaspberryPiVendor, "0x0001", "5.0 GT/s PCIe", null, "4");
        Assert.Equal(PcieDeviceKind.Internal, rp1.Kind);
        Assert.False(PcieLinkReport.Check([bridge, rp1], [PcieDeviceKind.Ethernet], 3, "d").IsOk);

        var missing = PcieLinkReport.Check([bridge], [PcieDeviceKind.Sata], 3, "/sys/bus/pci/devices");
        Assert.StartsWith("no SATA controller on the PCIe bus (/sys/bus/pci/devices lists 0000:00:00.0 (bridge 14e4:2712)", missing.Error!.Message, StringComparison.Ordinal);
    }
}
