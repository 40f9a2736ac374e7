// The binaries share one zfs-fuse daemon and two cores; running them one at a time keeps timings sane.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
