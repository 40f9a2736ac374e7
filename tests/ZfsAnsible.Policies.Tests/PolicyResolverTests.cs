using System.Collections.Immutable;
using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Policies.Tests;

/// <summary>Resolution of records built in code: the inheritance and discovery semantics of docs/policies.md.</summary>
public class PolicyResolverTests
{
    private static readonly ImmutableDictionary<string, SnapshotPolicy> Policies = new[]
    {
        SnapshotPolicy.Create("critical", true, (Interval.Frequently, 4), (Interval.Hourly, 48), (Interval.Daily, 30), (Interval.Weekly, 8), (Interval.Monthly, 12)),
        SnapshotPolicy.Create("standard", true, (Interval.Hourly, 24), (Interval.Daily, 14), (Interval.Weekly, 4)),
        SnapshotPolicy.Create("scratch", false, (Interval.Hourly, 6)),
        SnapshotPolicy.Create("none", false),
    }.ToImmutableDictionary(p => p.Name);

    private static PolicyTree Resolve(params DatasetConfig[] datasets)
    {
        var result = PolicyResolver.Resolve(Policies, datasets);
        Assert.True(result.IsOk, result.Error?.Message);
        return result.Value;
    }

    private static PolicyConfigurationError Fails(IReadOnlyList<DatasetConfig> datasets, IReadOnlyDictionary<string, SnapshotPolicy>? policies = null, IReadOnlyCollection<string>? pools = null)
    {
        var result = PolicyResolver.Resolve(policies ?? Policies, datasets, pools);
        Assert.False(result.IsOk);
        Assert.DoesNotContain('\n', result.Error!.Message);
        Assert.DoesNotContain('\r', result.Error.Message);
        return Assert.IsType<PolicyConfigurationError>(result.Error);
    }

    private static void AssertInherited(PolicyTree tree, string name, string policy, string from)
    {
        var dataset = tree.Find(name);
        Assert.NotNull(dataset);
        Assert.Equal(PolicySource.Inherited, dataset.Source);
        Assert.Equal(policy, dataset.Policy?.Name);
        Assert.Equal(from, dataset.InheritedFrom);
    }

    private static void AssertUnmanaged(PolicyTree tree, string name)
    {
        var dataset = tree.Find(name);
        Assert.NotNull(dataset);
        Assert.Equal(PolicySource.Unmanaged, dataset.Source);
        Assert.Null(dataset.Policy);
        Assert.Null(dataset.InheritedFrom);
    }

    [Fact]
    public void A_policy_flows_down_a_chain_of_five_inheriting_datasets_and_names_where_it_was_set()
    {
        var tree = Resolve(
            new DatasetConfig("tank/a", "standard", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/b", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/b/c", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/b/c/d", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/b/c/d/e"));

        Assert.Equal(PolicySource.Explicit, tree.Find("tank/a")!.Source);
        foreach (var name in new[] { "tank/a/b", "tank/a/b/c", "tank/a/b/c/d", "tank/a/b/c/d/e" })
        {
            AssertInherited(tree, name, "standard", "tank/a");
        }
    }

    [Fact]
    public void A_deep_chain_stops_at_the_first_dataset_that_does_not_pass_its_policy_on()
    {
        var tree = Resolve(
            new DatasetConfig("tank/a", "critical", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/b", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/b/c"),
            new DatasetConfig("tank/a/b/c/d", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/b/c/d/e"));

        AssertInherited(tree, "tank/a/b", "critical", "tank/a");
        AssertInherited(tree, "tank/a/b/c", "critical", "tank/a");
        AssertUnmanaged(tree, "tank/a/b/c/d");
        AssertUnmanaged(tree, "tank/a/b/c/d/e");
    }

    [Fact]
    public void An_explicit_policy_deep_in_a_chain_restarts_it_from_that_dataset()
    {
        var tree = Resolve(
            new DatasetConfig("tank/a", "critical", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/b", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/b/c", "scratch", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/b/c/d"));

        Assert.Equal(PolicySource.Explicit, tree.Find("tank/a/b/c")!.Source);
        AssertInherited(tree, "tank/a/b/c/d", "scratch", "tank/a/b/c");
    }

    [Fact]
    public void An_explicit_none_inside_an_inheriting_subtree_stops_it_and_its_children_are_unmanaged()
    {
        var tree = Resolve(
            new DatasetConfig("tank/docker", "standard", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/docker/cache", "none"),
            new DatasetConfig("tank/docker/cache/layers"),
            new DatasetConfig("tank/docker/registry"));

        var cache = tree.Find("tank/docker/cache")!;
        Assert.Equal(PolicySource.Explicit, cache.Source);
        Assert.Equal("none", cache.Policy!.Name);
        AssertUnmanaged(tree, "tank/docker/cache/layers");
        AssertInherited(tree, "tank/docker/registry", "standard", "tank/docker");
    }

    [Fact]
    public void An_explicit_none_that_itself_passes_its_policy_on_gives_its_children_none()
    {
        var tree = Resolve(
            new DatasetConfig("tank/docker", "standard", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/docker/cache", "none", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/docker/cache/layers"));

        AssertInherited(tree, "tank/docker/cache/layers", "none", "tank/docker/cache");
    }

    [Fact]
    public void Without_children_inherit_policy_a_configured_child_is_unmanaged()
    {
        var tree = Resolve(
            new DatasetConfig("tank/home", "standard", ChildrenInheritPolicy: false),
            new DatasetConfig("tank/home/alice"));

        AssertUnmanaged(tree, "tank/home/alice");
        Assert.Equal(PolicySource.Explicit, tree.Find("tank/home")!.Source);
    }

    [Fact]
    public void Only_the_nearest_configured_ancestor_counts_even_when_a_farther_one_inherits()
    {
        var tree = Resolve(
            new DatasetConfig("tank/a", "standard", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/b", "scratch"),
            new DatasetConfig("tank/a/b/c"));

        AssertUnmanaged(tree, "tank/a/b/c");
    }

    [Fact]
    public void Inheritance_skips_over_datasets_that_are_not_configured()
    {
        var tree = Resolve(
            new DatasetConfig("tank/a", "standard", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a/x/y/z"));

        AssertInherited(tree, "tank/a/x/y/z", "standard", "tank/a");
        Assert.Null(tree.Find("tank/a/x"));
    }

    [Fact]
    public void An_inheriting_dataset_without_a_policy_of_its_own_passes_nothing_on()
    {
        var tree = Resolve(
            new DatasetConfig("tank", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a"));

        AssertUnmanaged(tree, "tank");
        AssertUnmanaged(tree, "tank/a");
    }

    [Fact]
    public void Resolution_does_not_depend_on_the_order_datasets_are_listed_in()
    {
        var tree = Resolve(
            new DatasetConfig("tank/a/b/c"),
            new DatasetConfig("tank/a/b", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/a", "standard", ChildrenInheritPolicy: true));

        AssertInherited(tree, "tank/a/b/c", "standard", "tank/a");
    }

    [Fact]
    public void The_tree_lists_parents_before_children_and_keeps_each_subtree_together()
    {
        var tree = Resolve(
            new DatasetConfig("tank/a-b"),
            new DatasetConfig("tank/a/b"),
            new DatasetConfig("slow"),
            new DatasetConfig("tank/a"),
            new DatasetConfig("tank"),
            new DatasetConfig("tank/a.b"));

        Assert.Equal(["slow", "tank", "tank/a", "tank/a/b", "tank/a-b", "tank/a.b"], tree.Datasets.Select(d => d.Name));
    }

    [Fact]
    public void Properties_are_carried_through_to_the_resolved_dataset()
    {
        var properties = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string> { ["compression"] = "zstd", ["recordsize"] = "1M" });
        var tree = Resolve(new DatasetConfig("tank/documents", "critical", Properties: properties));
        Assert.Equal(properties, tree.Find("tank/documents")!.Properties);
    }

    [Fact]
    public void Discovery_flags_are_reported_with_the_nearest_discovering_dataset_at_or_above()
    {
        var tree = Resolve(
            new DatasetConfig("tank"),
            new DatasetConfig("tank/docker", "standard", ChildrenInheritPolicy: true, SnapshotsDiscoverChildren: true),
            new DatasetConfig("tank/docker/registry"));

        Assert.False(tree.Find("tank")!.DiscoverChildren);
        Assert.Null(tree.Find("tank")!.DiscoveryRoot);
        Assert.True(tree.Find("tank/docker")!.DiscoverChildren);
        Assert.Equal("tank/docker", tree.Find("tank/docker")!.DiscoveryRoot);
        Assert.False(tree.Find("tank/docker/registry")!.DiscoverChildren);
        Assert.Equal("tank/docker", tree.Find("tank/docker/registry")!.DiscoveryRoot);
    }

    [Fact]
    public void An_unconfigured_child_of_a_discovering_dataset_gets_its_policy()
    {
        var tree = Resolve(new DatasetConfig("tank/docker", "standard", SnapshotsDiscoverChildren: true));

        var discovered = tree.PolicyForDiscovered("tank/docker/3f2a9c");
        Assert.NotNull(discovered);
        Assert.Equal("standard", discovered.Policy.Name);
        Assert.Equal("tank/docker", discovered.From);
    }

    [Fact]
    public void A_discovered_grandchild_inside_a_discovering_subtree_gets_its_nearest_configured_ancestors_policy()
    {
        var tree = Resolve(
            new DatasetConfig("tank/docker", "standard", ChildrenInheritPolicy: true, SnapshotsDiscoverChildren: true),
            new DatasetConfig("tank/docker/registry", "scratch"),
            new DatasetConfig("tank/docker/cache", "none"));

        var discovered = tree.PolicyForDiscovered("tank/docker/registry/blobs/x");
        Assert.NotNull(discovered);
        Assert.Equal("scratch", discovered.Policy.Name);
        Assert.Equal("tank/docker/registry", discovered.From);

        // An explicit none keeps run-time volumes below it out of snapshots.
        Assert.Equal("none", tree.PolicyForDiscovered("tank/docker/cache/volume1")!.Policy.Name);
    }

    [Fact]
    public void The_nearest_discovering_ancestor_wins()
    {
        var tree = Resolve(
            new DatasetConfig("tank/docker", "standard", SnapshotsDiscoverChildren: true),
            new DatasetConfig("tank/docker/build", "scratch", SnapshotsDiscoverChildren: true));

        Assert.Equal("scratch", tree.PolicyForDiscovered("tank/docker/build/step1/x")!.Policy.Name);
        Assert.Equal("tank/docker/build", tree.PolicyForDiscovered("tank/docker/build/step1/x")!.From);
        Assert.Equal("standard", tree.PolicyForDiscovered("tank/docker/other")!.Policy.Name);
    }

    [Fact]
    public void Discovery_uses_the_effective_policy_including_an_inherited_one()
    {
        var tree = Resolve(
            new DatasetConfig("tank/srv", "critical", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/srv/vms", SnapshotsDiscoverChildren: true));

        var discovered = tree.PolicyForDiscovered("tank/srv/vms/vm-101-disk-0");
        Assert.Equal("critical", discovered!.Policy.Name);
        Assert.Equal("tank/srv/vms", discovered.From);
    }

    [Fact]
    public void Unconfigured_datasets_without_a_discovering_ancestor_are_never_touched()
    {
        var tree = Resolve(
            new DatasetConfig("tank/docker", "standard", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/home", "standard", SnapshotsDiscoverChildren: true));

        Assert.Null(tree.PolicyForDiscovered("tank/docker/3f2a9c"));
        Assert.Null(tree.PolicyForDiscovered("other/home/x"));
        Assert.Null(tree.PolicyForDiscovered("tank"));
    }

    [Fact]
    public void A_discovering_dataset_without_a_policy_manages_nothing_below_it()
    {
        var tree = Resolve(
            new DatasetConfig("tank", "standard", SnapshotsDiscoverChildren: true),
            new DatasetConfig("tank/scratch", SnapshotsDiscoverChildren: true));

        Assert.Null(tree.PolicyForDiscovered("tank/scratch/x"));
        Assert.Equal("standard", tree.PolicyForDiscovered("tank/other")!.Policy.Name);
    }

    [Fact]
    public void A_configured_dataset_is_not_a_discovered_one()
    {
        var tree = Resolve(
            new DatasetConfig("tank/docker", "standard", SnapshotsDiscoverChildren: true),
            new DatasetConfig("tank/docker/cache", "none"));

        Assert.Null(tree.PolicyForDiscovered("tank/docker"));
        Assert.Null(tree.PolicyForDiscovered("tank/docker/cache"));
        Assert.Equal("none", tree.Find("tank/docker/cache")!.Policy!.Name);
    }

    [Fact]
    public void WithPolicy_lists_every_dataset_whose_effective_policy_it_is_in_tree_order()
    {
        var tree = Resolve(
            new DatasetConfig("tank/docker/registry"),
            new DatasetConfig("tank/docker", "standard", ChildrenInheritPolicy: true),
            new DatasetConfig("tank/docker/cache", "none"),
            new DatasetConfig("tank/documents", "critical"),
            new DatasetConfig("tank/misc"),
            new DatasetConfig("slow/archive", "standard"));

        Assert.Equal(["slow/archive", "tank/docker", "tank/docker/registry"], tree.WithPolicy("standard"));
        Assert.Equal(["tank/documents"], tree.WithPolicy("critical"));
        Assert.Equal(["tank/docker/cache"], tree.WithPolicy("none"));
        Assert.Empty(tree.WithPolicy("scratch"));
        Assert.Empty(tree.WithPolicy("no-such-policy"));
    }

    [Fact]
    public void An_unknown_policy_is_refused_naming_the_dataset_and_listing_the_known_ones_sorted()
    {
        var error = Fails([new DatasetConfig("tank/docker", "gold")]);
        Assert.Equal("invalid policy configuration: dataset 'tank/docker': unknown policy 'gold' (known: critical, none, scratch, standard)", error.Message);
    }

    [Fact]
    public void An_unknown_policy_says_so_when_no_policy_is_defined()
    {
        var error = Fails([new DatasetConfig("tank/docker", "standard")], ImmutableDictionary<string, SnapshotPolicy>.Empty);
        Assert.Contains("dataset 'tank/docker': unknown policy 'standard' (no policies are defined in zfs_policies)", error.Message);
    }

    [Fact]
    public void An_invalid_dataset_name_is_refused_naming_it()
    {
        var error = Fails([new DatasetConfig("tank//docker", "standard")]);
        Assert.Contains("invalid dataset name 'tank//docker'", error.Message);
        Assert.Contains("empty component", error.Message);
    }

    [Fact]
    public void An_empty_dataset_name_is_refused_naming_its_entry()
    {
        var error = Fails([new DatasetConfig("tank/a"), new DatasetConfig("")]);
        Assert.Equal("invalid policy configuration: zfs_datasets entry 2: dataset name is empty", error.Message);
    }

    [Fact]
    public void A_duplicate_dataset_is_refused_naming_it_and_both_entries()
    {
        var error = Fails([new DatasetConfig("tank/a", "standard"), new DatasetConfig("tank/b"), new DatasetConfig("tank/a", "critical")]);
        Assert.Equal("invalid policy configuration: dataset 'tank/a': duplicate dataset (zfs_datasets entries 1 and 3)", error.Message);
    }

    [Fact]
    public void A_dataset_outside_every_pool_of_the_host_is_refused_naming_it_and_the_pools()
    {
        var error = Fails([new DatasetConfig("tank/a"), new DatasetConfig("backup/a")], pools: ["tank", "fast"]);
        Assert.Equal("invalid policy configuration: dataset 'backup/a': outside every pool of this host (pools: fast, tank)", error.Message);
    }

    [Fact]
    public void A_host_without_pools_owns_no_dataset()
    {
        var error = Fails([new DatasetConfig("tank/a")], pools: []);
        Assert.Contains("dataset 'tank/a': outside every pool of this host (the host has no pools)", error.Message);
    }

    [Fact]
    public void Pools_are_not_checked_when_they_are_not_given()
    {
        Assert.True(PolicyResolver.Resolve(Policies, [new DatasetConfig("anywhere/a")], pools: null).IsOk);
    }

    [Fact]
    public void A_negative_retention_is_refused_naming_the_policy_and_interval()
    {
        var policies = Policies.SetItem("bad", SnapshotPolicy.Create("bad", false, (Interval.Daily, -1)));
        var error = Fails([], policies);
        Assert.Equal("invalid policy configuration: policy 'bad': snapshots.daily must be a whole number from 0 to 100000, got -1", error.Message);
    }

    [Fact]
    public void An_absurdly_large_retention_is_refused()
    {
        var policies = Policies.SetItem("bad", SnapshotPolicy.Create("bad", false, (Interval.Hourly, 100_001)));
        Assert.Contains("policy 'bad': snapshots.hourly must be a whole number from 0 to 100000, got 100001", Fails([], policies).Message);
    }

    [Fact]
    public void The_largest_allowed_retention_and_zero_are_accepted()
    {
        var policies = Policies.SetItem("big", SnapshotPolicy.Create("big", false, (Interval.Hourly, 100_000), (Interval.Daily, 0)));
        Assert.True(PolicyResolver.Resolve(policies, []).IsOk);
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("a b")]
    [InlineData("std;reboot")]
    [InlineData("")]
    public void An_invalid_policy_name_is_refused_without_also_calling_it_unknown(string name)
    {
        var policies = Policies.SetItem(name, SnapshotPolicy.Create(name, false));
        var error = Fails([new DatasetConfig("tank/a", name)], policies);
        Assert.Single(error.Problems);
        Assert.Contains("policy", error.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_in_one_line()
    {
        var error = Fails(
            [
                new DatasetConfig("tank/a", "gold"),
                new DatasetConfig("tank/a"),
                new DatasetConfig("tank/$(reboot)"),
                new DatasetConfig("other/b", "standard"),
            ],
            pools: ["tank"]);

        Assert.Equal(4, error.Problems.Length);
        Assert.StartsWith("invalid policy configuration (4 problems): ", error.Message);
        Assert.Contains("'tank/a': unknown policy 'gold'", error.Message);
        Assert.Contains("'tank/a': duplicate dataset", error.Message);
        Assert.Contains("'tank/$(reboot)'", error.Message);
        Assert.Contains("'other/b': outside every pool", error.Message);
    }

    [Fact]
    public void A_flood_of_problems_is_listed_up_to_a_limit_and_counted()
    {
        var datasets = Enumerable.Range(0, 50).Select(i => new DatasetConfig($"tank/d{i}", "gold")).ToList();
        var error = Fails(datasets);
        Assert.Equal(50, error.Problems.Length);
        Assert.EndsWith("; and 30 more", error.Message);
    }

    [Theory]
    [InlineData("tank/a;rm -rf /")]
    [InlineData("tank/$(reboot)")]
    [InlineData("tank/`id`")]
    [InlineData("tank/a|b")]
    [InlineData("tank/a&&b")]
    [InlineData("tank/a>b")]
    [InlineData("-tank/a")]
    [InlineData("tank/-o")]
    [InlineData("--help")]
    [InlineData("tank/a\nb")]
    [InlineData("tank/a b")]
    [InlineData("tank/a@snap")]
    [InlineData("tank/../etc")]
    public void Hostile_dataset_names_are_refused_on_one_line(string name)
    {
        var error = Fails([new DatasetConfig(name, "standard")]);
        var problem = Assert.Single(error.Problems);
        Assert.Contains("invalid dataset name", problem);
    }

    [Fact]
    public void A_300_character_name_is_refused_naming_it_in_a_short_message()
    {
        var name = "tank/" + new string('a', 295);
        var error = Fails([new DatasetConfig(name, "standard")]);
        Assert.Contains("dataset 'tank/aaaa", error.Message);
        Assert.Contains("300 characters long; the maximum is 255", error.Message);
        Assert.True(error.Message.Length < 250, error.Message);
    }

    [Theory]
    [InlineData("Compression", "on", "invalid property name")]
    [InlineData("-o", "x", "invalid property name")]
    [InlineData("a b", "x", "invalid property name")]
    [InlineData("zfsansible:policy", "critical", "is reserved")]
    [InlineData("com.example:note", "line1\nline2", "control character")]
    public void Bad_properties_are_refused_naming_the_dataset(string property, string value, string reason)
    {
        var properties = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(property, value)]);
        var error = Fails([new DatasetConfig("tank/a", Properties: properties)]);
        Assert.Contains("dataset 'tank/a'", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void User_properties_with_a_namespace_are_accepted()
    {
        var properties = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("com.example:backup-tier", "gold+")]);
        Assert.True(PolicyResolver.Resolve(Policies, [new DatasetConfig("tank/a", Properties: properties)]).IsOk);
    }

    [Fact]
    public void Intervals_have_their_inventory_names_and_nominal_periods()
    {
        Assert.Equal("frequently, hourly, daily, weekly, monthly, yearly", Intervals.KnownNames);
        Assert.All(Intervals.All, i => Assert.Equal(i, Intervals.Parse(i.YamlName())));
        Assert.Null(Intervals.Parse("Hourly"));
        Assert.Equal(TimeSpan.FromMinutes(15), Interval.Frequently.NominalPeriod());
    }
}
