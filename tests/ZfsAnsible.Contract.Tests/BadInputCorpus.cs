using System.Text;

namespace ZfsAnsible.Contract.Tests;

/// <summary>
/// Hostile and broken input for zfs_pool: each case must end as one failed JSON object with a one-line
/// reason, and must change nothing. "{dir}" is replaced with the sandbox folder holding real vdevs.
/// </summary>
public static class BadInputCorpus
{
    public static IEnumerable<(string Case, byte[] Args, string Reason)> ZfsPool()
    {
        static (string, byte[], string) Json(string name, string json, string reason) => (name, Encoding.UTF8.GetBytes(json), reason);

        yield return ("empty file", [], "not valid JSON");
        yield return ("not json", Encoding.UTF8.GetBytes("name=tank state=present"), "not valid JSON");
        yield return ("truncated json", Encoding.UTF8.GetBytes("{\"name\": \"x"), "not valid JSON");
        yield return ("invalid utf-8", [0x7b, 0x22, 0x6e, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d], "not valid JSON");
        yield return Json("json array", "[\"tank\"]", "must hold a JSON object");
        yield return Json("duplicate key", """{"name": "a", "name": "b"}""", "a key appears twice");
        yield return Json("deep nesting", "{\"name\": " + new string('[', 500) + new string(']', 500) + "}", "not valid JSON");
        yield return Json("missing name", """{"state": "present"}""", "missing required arguments: name");
        yield return Json("null name", """{"name": null}""", "missing required arguments: name");
        yield return Json("unknown key", """{"name": "ztx", "colour": "blue"}""", "Unsupported parameters for (zfs_pool) module: colour");
        yield return Json("name as list", """{"name": ["a"]}""", "argument 'name' is of type list");
        yield return Json("bad state", """{"name": "ztx", "state": "gone"}""", "value of state must be one of: present, absent, exported, imported, got: gone");
        yield return Json("bool not a bool", """{"name": "ztx", "force": "maybe"}""", "unable to convert to bool");
        yield return Json("vdevs as number", """{"name": "ztx", "vdevs": 7}""", "Elements value for option 'vdevs'");
        yield return Json("vdev without devices", """{"name": "ztx", "vdevs": [{"type": "mirror"}]}""", "missing required arguments: devices found in vdevs[0]");
        yield return Json("unknown vdev type", """{"name": "ztx", "vdevs": [{"type": "raid5", "devices": ["{dir}/vdev1"]}]}""", "value of type must be one of");
        yield return Json("mirror of one", """{"name": "ztx", "vdevs": [{"type": "mirror", "devices": ["{dir}/vdev1"]}]}""", "needs at least 2 devices");
        yield return Json("name is an option", """{"name": "-f", "vdevs": [{"devices": ["{dir}/vdev1"]}]}""", "must begin with a letter");
        yield return Json("name with shell", """{"name": "tank;touch /tmp/zfsansible-pwned", "vdevs": [{"devices": ["{dir}/vdev1"]}]}""", "is not allowed");
        yield return Json("name with substitution", """{"name": "t$(touch /tmp/zfsansible-pwned)", "vdevs": [{"devices": ["{dir}/vdev1"]}]}""", "is not allowed");
        yield return Json("overlong name", "{\"name\": \"" + new string('a', 300) + "\", \"vdevs\": [{\"devices\": [\"{dir}/vdev1\"]}]}", "maximum is 255");
        yield return Json("reserved name", """{"name": "mirror", "vdevs": [{"devices": ["{dir}/vdev1"]}]}""", "reserved");
        yield return Json("device is an option", """{"name": "ztx", "vdevs": [{"devices": ["-f"]}]}""", "may not begin with '-'");
        yield return Json("device with shell", """{"name": "ztx", "vdevs": [{"devices": ["{dir}/vdev1;touch /tmp/zfsansible-pwned"]}]}""", "does not exist");
        yield return Json("device twice", """{"name": "ztx", "vdevs": [{"type": "mirror", "devices": ["{dir}/vdev1", "{dir}/vdev1"]}]}""", "declared twice");
        yield return Json("relative escape", """{"name": "ztx", "vdevs": [{"devices": ["../../etc/passwd"]}]}""", "must be absolute");
        yield return Json("property name hostile", """{"name": "ztx", "vdevs": [{"devices": ["{dir}/vdev1"]}], "properties": {"-o x": "1"}}""", "invalid property name");
        yield return Json("property value a list", """{"name": "ztx", "vdevs": [{"devices": ["{dir}/vdev1"]}], "filesystem_properties": {"compression": ["on"]}}""", "must be a string, number or on/off");
        yield return Json("huge property value", "{\"name\": \"ztx\", \"vdevs\": [{\"devices\": [\"{dir}/vdev1\"]}], \"filesystem_properties\": {\"user:x\": \"" + new string('v', 9000) + "\"}}", "has a value 9000 characters long; the maximum is 8191");
        yield return Json("relative mountpoint", """{"name": "ztx", "vdevs": [{"devices": ["{dir}/vdev1"]}], "mountpoint": "mnt"}""", "must be an absolute path");
        yield return Json("huge integer", """{"name": "ztx", "force": 99999999999999999999999999}""", "unable to convert to bool");
        yield return Json("destroy without allow", """{"name": "{pool}", "state": "absent"}""", "allow_destroy: true");
        yield return Json("create over a labelled device", """{"name": "ztx", "vdevs": [{"devices": ["{dir}/vdev1"]}]}""", "carries a ZFS label");
    }
}
