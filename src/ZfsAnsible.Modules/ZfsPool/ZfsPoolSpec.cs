using ZfsAnsible.Domain.Pools;
using ZfsAnsible.ModuleProtocol.Arguments;

namespace ZfsAnsible.Modules.ZfsPool;

/// <summary>zfs_pool's options; ansible/plugins/modules/zfs_pool.py documents the same spec.</summary>
public static class ZfsPoolSpec
{
    public const string ModuleName = "zfs_pool";

    private static ArgumentSpec Vdev(params VdevType[] types) => ArgumentSpec.Of(
        ("type", Option.Choice(VdevType.Stripe, types)),
        ("devices", Option.List(required: true)));

    public static ArgumentSpec Spec { get; } = ArgumentSpec.Of(
        ("name", Option.Str(required: true)),
        ("state", Option.Choice(PoolState.Present)),
        ("vdevs", Option.ListOf(Vdev())),
        ("log", Option.ListOf(Vdev(VdevType.Stripe, VdevType.Mirror))),
        ("special", Option.ListOf(Vdev(VdevType.Stripe, VdevType.Mirror))),
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
