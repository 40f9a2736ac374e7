// ansible-playbook is CPU-heavy and every test shares one zfs-fuse daemon: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
