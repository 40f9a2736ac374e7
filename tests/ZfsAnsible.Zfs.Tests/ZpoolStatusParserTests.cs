using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Zfs.Parsing;

namespace ZfsAnsible.Zfs.Tests;

public class ZpoolStatusParserTests
{
    // Captured from zfs-fuse 0.7 (pool v23) on Debian 12.
    private const string ZfsFuse = """
          pool: ztest
         state: ONLINE
         scrub: none requested
        config:

        	NAME           STATE     READ WRITE CKSUM
        	ztest          ONLINE       0     0     0
        	  mirror-0     ONLINE       0     0     0
        	    /tmp/zt/a  ONLINE       0     0     0
        	    /tmp/zt/b  ONLINE       0     0     0

        errors: No known data errors
        """;

    // OpenZFS 2.x "zpool status -P" with every vdev class and a replacing vdev.
    private const string OpenZfs = """
          pool: tank
         state: DEGRADED
        status: One or more devices is currently being resilvered.
        config:

        	NAME                STATE     READ WRITE CKSUM
        	tank                DEGRADED     0     0     0
        	  raidz2-0          DEGRADED     0     0     0
        	    /dev/vdb1       ONLINE       0     0     0
        	    /dev/vdc1       ONLINE       0     0     0
        	    replacing-2     DEGRADED     0     0     0
        	      /dev/vdd1     FAULTED      0     0     0  too many errors
        	      /dev/vde1     ONLINE       0     0     0
        	special
        	  mirror-1          ONLINE       0     0     0
        	    /dev/vdf1       ONLINE       0     0     0
        	    /dev/vdg1       ONLINE       0     0     0
        	logs
        	  /dev/vdh1         ONLINE       0     0     0
        	cache
        	  /dev/vdi1         ONLINE       0     0     0
        	spares
        	  /dev/vdj1         AVAIL

        errors: No known data errors

          pool: other
         state: ONLINE
        config:

        	NAME        STATE     READ WRITE CKSUM
        	other       ONLINE       0     0     0
        	  /dev/vdk1  ONLINE       0     0     0

        errors: No known data errors
        """;

    [Fact]
    public void Zfs_fuse_mirror_is_read()
    {
        var pool = Assert.Single(ZpoolStatusParser.Parse(ZfsFuse.Replace("        \t", "\t")));
        Assert.Equal("ztest", pool.Name);
        Assert.Equal("ONLINE", pool.State);
        var vdev = Assert.Single(pool.ToTopology().Vdevs);
        Assert.Equal(new TopLevelVdev(VdevClass.Data, VdevLayout.Mirror, ["/tmp/zt/a", "/tmp/zt/b"]).ToString(), vdev.ToString());
    }

    [Fact]
    public void Every_class_and_nested_groups_are_read()
    {
        var pools = ZpoolStatusParser.Parse(OpenZfs.Replace("        \t", "\t"));
        Assert.Equal(["tank", "other"], pools.Select(p => p.Name));
        var topology = pools[0].ToTopology().Vdevs.Select(v => v.ToString()).ToArray();
        Assert.Equal(
            [
                "raidz2 [/dev/vdb1, /dev/vdc1, /dev/vdd1]",
                "log stripe [/dev/vdh1]",
                "special mirror [/dev/vdf1, /dev/vdg1]",
                "cache stripe [/dev/vdi1]",
                "spare stripe [/dev/vdj1]",
            ],
            topology);
        Assert.Equal("DEGRADED", pools[0].State);
        Assert.Equal(9, pools[0].AllLeaves.Count());
        Assert.Equal("stripe [/dev/vdk1]", Assert.Single(pools[1].ToTopology().Vdevs).ToString());
    }

    [Fact]
    public void No_pools_is_an_empty_list() => Assert.Empty(ZpoolStatusParser.Parse("no pools available\n"));

    [Fact]
    public void Import_scan_lists_pool_names()
    {
        const string scan = """
               pool: ztest
                 id: 13719459101779240320
              state: ONLINE
             action: The pool can be imported using its name or numeric identifier.
             config:

                    ztest          ONLINE
                      mirror-0     ONLINE

               pool: second
                 id: 1
            """;
        Assert.Equal(["ztest", "second"], ImportScanParser.Parse(scan));
    }

    [Fact]
    public void Property_outputs_of_both_dialects_are_read()
    {
        var scripted = GetOutput.OfOne("compression\tlz4\tlocal\nrecordsize\t131072\tdefault\n");
        Assert.Equal("lz4", scripted["compression"].Value);
        Assert.Equal(PropertySource.Default, scripted["recordsize"].Source);

        var table = GetOutput.Table("NAME   PROPERTY  VALUE        SOURCE\nztest  comment   two words    local\nztest  ashift    12           default\n");
        Assert.Equal("two words", table["comment"].Value);
        Assert.Equal("12", table["ashift"].Value);
        Assert.Equal(PropertySource.Local, table["comment"].Source);
    }

    [Theory]
    [InlineData("local", "Local")]
    [InlineData("default", "Default")]
    [InlineData("received", "Received")]
    [InlineData("temporary", "Temporary")]
    [InlineData("-", "None")]
    [InlineData("inherited from tank/a b", "Inherited tank/a b")]
    public void Every_source_word_is_typed(string text, string expected)
    {
        var source = GetOutput.Source(text);
        var described = source is PropertySource.Inherited inherited ? $"Inherited {inherited.From}" : source.GetType().Name.Replace("Source", string.Empty, StringComparison.Ordinal);
        Assert.Equal(expected, described);
    }

    [Fact]
    public void Zfs_get_rows_are_grouped_by_object_bookmarks_skipped_first_row_kept()
    {
        var objects = GetOutput.ByObject("tank/a\tzfsansible:policy\tcritical\tlocal\ntank/a\tzfsansible:policy\tother\tlocal\ntank/a#bm\tguid\t1\t-\ntank/a/b\tzfsansible:policy\tcritical\tinherited from tank/a\n"
            + "tank/a\tzfsansible:policy\tlater\tlocal\n");
        Assert.Equal(["tank/a", "tank/a/b"], objects.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("critical", objects["tank/a"]["zfsansible:policy"].Value);
        Assert.Equal(PropertySource.InheritedFrom("tank/a"), objects["tank/a/b"]["zfsansible:policy"].Source);
    }

    [Fact]
    public void Zfs_get_rows_stream_one_object_at_a_time_with_shared_words_and_odd_lines_skipped()
    {
        var output = "tank/a\tused\t100\t-\r\ntank/a\tzfsansible:policy\tcritical\tlocal\n\nshort\tline\n"
            + "tank/a@s1\tused\t0\t-\ntank/a@s1\tzfsansible:policy\tcritical\tinherited from tank/a\n"
            + "tank/a@s2\tused\t0\t-\textra\ntank/a@s2\tzfsansible:policy\tcritical\tinherited from tank/a";
        var objects = GetOutput.Objects(output).ToList();

        Assert.Equal(["tank/a", "tank/a@s1", "tank/a@s2"], objects.Select(o => o.Name));
        Assert.Equal(new ObservedProperty("100", PropertySource.None), objects[0].Properties["used"]);
        Assert.Equal(PropertySource.Local, objects[0].Properties["zfsansible:policy"].Source);
        Assert.Equal(PropertySource.None, objects[2].Properties["used"].Source);
        // The words every row repeats are one instance each.
        Assert.Same(objects[1].Properties.Keys.Single(k => k == "used"), objects[2].Properties.Keys.Single(k => k == "used"));
        Assert.Same(objects[1].Properties["zfsansible:policy"].Source, objects[2].Properties["zfsansible:policy"].Source);
        Assert.Equal(PropertySource.InheritedFrom("tank/a"), objects[2].Properties["zfsansible:policy"].Source);
    }
}
