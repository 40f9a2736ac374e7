using ZfsAnsible.Domain.Replication;
using ZfsAnsible.Testing;

namespace ZfsAnsible.Zfs.Tests;

public class ZfsReplicasTests
{
    [Fact]
    public void A_full_receive_that_protects_also_sets_the_label_and_a_plain_one_sets_nothing()
    {
        var replicas = new ZfsReplicas(new ScriptedRunner(), ZfsCapabilities.OpenZfs("2.3.2"));
        var full = new FullSend(new ReplicaSnapshot("s1", 1, 10));
        var labelled = new Transfer("tank/docs", "backup/tank/docs", full, Protects: true, Label: new ReplicaLabel("critical", "hourly=48,monthly=24"));
        Assert.Equal(
            ["recv", "-u", "-s", "-o", "readonly=on", "-o", "canmount=noauto", "-o", "zfsansible:replica_policy=critical", "-o", "zfsansible:replica_retention=hourly=48,monthly=24", "backup/tank/docs"],
            (string[])[.. replicas.Receive(labelled).Arguments]);
        Assert.Equal(["recv", "-u", "-s", "backup/tank/docs"], (string[])[.. replicas.Receive(labelled with { Protects = false, Label = null }).Arguments]);
    }

    [Fact]
    public void Discovery_takes_datasets_whose_policy_says_replicate_and_the_replicas_a_pull_labelled()
    {
        var runner = new ScriptedRunner().On(
            "zfs get -H -p -r -o name,property,value,source zfsansible:replicate,zfsansible:discover_children,zfsansible:replica_policy slowpool tank",
            string.Join('\n',
                "tank\tzfsansible:replicate\t-\t-",
                "tank/docs\tzfsansible:replicate\ton\tlocal",
                "tank/docs\tzfsansible:discover_children\toff\tlocal",
                "tank/docs/inherited\tzfsansible:replicate\ton\tinherited from tank/docs",
                "tank/docker\tzfsansible:replicate\ton\tlocal",
                "tank/docker\tzfsansible:discover_children\ton\tlocal",
                "tank/docker/vol1\tzfsansible:replicate\ton\tinherited from tank/docker",
                "tank/docker/vol1\tzfsansible:discover_children\ton\tinherited from tank/docker",
                "tank/scratch\tzfsansible:replicate\toff\tlocal",
                "tank/docs@a\tzfsansible:replicate\ton\tinherited from tank/docs",
                "slowpool/raw/h/tank/docs\tzfsansible:replica_policy\tcritical\tlocal",
                "slowpool/raw/h/tank/docs/x\tzfsansible:replica_policy\tcritical\tinherited from slowpool/raw/h/tank/docs",
                "slowpool/raw/h\tzfsansible:replica_policy\t-\t-"));
        var found = new ZfsReplicas(runner, ZfsCapabilities.OpenZfs("2.3.2")).MarkedForReplication(["slowpool", "tank"]);
        Assert.Equal(["slowpool/raw/h/tank/docs", "tank/docker", "tank/docker/vol1", "tank/docs"], found.Value);
    }
}
