using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.ZfsPool;

/// <summary>zfs_pool's options; ansible/plugins/modules/zfs_pool.py documents the same spec.</summary>
public static class ZfsPoolSpec
{
    public const string ModuleName = "zfs_pool";

    private static ArgumentSpec Vdev(params string[] types) => ArgumentSpec.Of(
        ("type", Option.Str(@default: "stripe", choices: types)),
        ("devices", Option.List(required: true)));

    public static ArgumentSpec Spec { get; } = ArgumentSpec.Of(
        ("name", Option.Str(required: true)),
        ("state", Option.Str(@default: "present", choices: ["present", "absent", "exported", "imported"])),
        ("vdevs", Option.ListOf(Vdev("stripe", "mirror", "raidz1", "raidz2", "raidz3"))),
        ("log", Option.ListOf(Vdev("stripe", "mirror"))),
        ("special", Option.ListOf(Vdev("stripe", "mirror"))),
        ("cache", Option.List()),
        ("spare", Option.List()),
        ("add_vdevs", Option.Bool()),
        ("properties", Option.Dict()),
        ("filesystem_properties", Option.Dict()),
        ("mountpoint", Option.Str()),
        ("altroot", Option.Path()),
        ("force", Option.Bool()),
        ("allow_destroy", Option.Bool()),
        ("search_directories", Option.List()));
}
