namespace ZfsAnsible.Testing;

/// <summary>The inventory of docs/policies.md, verbatim (group_vars and host_vars in one text): the example several suites resolve.</summary>
public static class DesignInventory
{
    public const string Yaml = """
        # group_vars/all/zfs.yml
        zfs_policies:
          critical:  { snapshots: { frequently: 4, hourly: 48, daily: 30, weekly: 8, monthly: 12 }, replicate: true }
          standard:  { snapshots: { hourly: 24, daily: 14, weekly: 4 }, replicate: true }
          scratch:   { snapshots: { hourly: 6 }, replicate: false }
          none:      { snapshots: {}, replicate: false }

        # host_vars/host-storage/zfs.yml
        zfs_datasets:
          - name: tank/documents
            policy: critical
            properties: { compression: zstd, recordsize: 1M }
          - name: tank/docker
            policy: standard
            children_inherit_policy: true       # configured children without a policy take this one
            snapshots_discover_children: true   # children created at run time (Docker volumes) are snapshotted too
          - name: tank/docker/cache
            policy: none
          - name: tank/docker/registry          # inherits standard (config time)
        """;
}
