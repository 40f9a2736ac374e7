using System.Collections.Immutable;
using ZfsAnsible.Domain.Datasets;
using ZfsAnsible.Domain.Policies;
using ZfsAnsible.Domain.Pools;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Tests;

public class DatasetPlannerTests
{
    private static readonly SnapshotPolicy Standard = SnapshotPolicy.Create("standard", true, (Interval.Hourly, 24), (Interval.Daily, 14));

    private static PolicyTree Tree(params DatasetConfig[] datasets) =>
        PolicyResolver.Resolve(new Dictionary<string, SnapshotPolicy> { ["standard"] = Standard }, datasets).Value;

    private static ImmutableSortedDictionary<string, string> Props(params (string Key, string Value)[] pairs) =>
        pairs.ToImmutableSortedDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static DatasetObservation Observed(string dataset, params (string Property, string Value, PropertySource Source)[] properties) => new(
        [dataset],
        new Dictionary<string, IReadOnlyDictionary<string, ObservedProperty>>
        {
            [dataset] = properties.ToDictionary(p => p.Property, p => new ObservedProperty(p.Value, p.Source)),
        });

    private static (string, string, PropertySource)[] PolicyWrittenLocally(string source = "explicit") =>
    [
        (ZfsAnsibleProperties.Policy, "standard", PropertySource.Local),
        (ZfsAnsibleProperties.PolicySource, source, PropertySource.Local),
        (ZfsAnsibleProperties.Retention, "hourly=24,daily=14", PropertySource.Local),
        (ZfsAnsibleProperties.Replicate, "on", PropertySource.Local),
        (ZfsAnsibleProperties.DiscoverChildren, "off", PropertySource.Local),
    ];

    [Fact]
    public void A_missing_dataset_is_created_with_its_properties_and_policy()
    {
        var plan = DatasetPlanner.Converge(Tree(new DatasetConfig("tank/a", "standard", Properties: Props(("compression", "on")))), new([], new Dictionary<string, IReadOnlyDictionary<string, ObservedProperty>>()));
        var create = Assert.IsType<CreateDataset>(Assert.Single(plan.Actions));
        Assert.Equal("on", create.Properties["compression"]);
        Assert.Equal("standard", create.Properties[ZfsAnsibleProperties.Policy]);
        Assert.Equal("hourly=24,daily=14", create.Properties[ZfsAnsibleProperties.Retention]);
    }

    [Fact]
    public void Equal_values_are_left_alone_and_different_ones_set()
    {
        var tree = Tree(new DatasetConfig("tank/a", "standard", Properties: Props(("recordsize", "1M"), ("atime", "off"))));
        var observed = Observed("tank/a", [("recordsize", "1048576", PropertySource.Local), ("atime", "on", PropertySource.Default), .. PolicyWrittenLocally()]);
        var set = Assert.IsType<SetDatasetProperty>(Assert.Single(DatasetPlanner.Converge(tree, observed).Actions));
        Assert.Equal(("atime", "off", "on", PropertySource.Default), (set.Property, set.Value, set.Before!.Value, set.Before.Source));
    }

    [Fact]
    public void An_inherited_value_that_matches_is_not_set_again()
    {
        var tree = Tree(new DatasetConfig("tank/a", "standard", Properties: Props(("compression", "on"))));
        var observed = Observed("tank/a", [("compression", "on", PropertySource.InheritedFrom("tank")), .. PolicyWrittenLocally()]);
        Assert.Empty(DatasetPlanner.Converge(tree, observed).Actions);
    }

    [Fact]
    public void Policy_properties_inherited_from_a_parent_are_written_locally()
    {
        var tree = Tree(new DatasetConfig("tank/a", "standard"));
        var inherited = PolicyWrittenLocally().Select(p => (p.Item1, p.Item2, PropertySource.InheritedFrom("tank"))).ToArray();
        var plan = DatasetPlanner.Converge(tree, Observed("tank/a", inherited));
        Assert.Equal(ZfsAnsibleProperties.PolicyNames.Order(StringComparer.Ordinal), plan.Actions.OfType<SetDatasetProperty>().Select(s => s.Property).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Inheritance_is_written_with_its_ancestor_and_unmanaged_datasets_say_so()
    {
        var tree = Tree(new DatasetConfig("tank/a", "standard", ChildrenInheritPolicy: true), new DatasetConfig("tank/a/b"), new DatasetConfig("tank/c"));
        Assert.Equal("inherited:tank/a", PolicyProperties.For(tree.Find("tank/a/b")!)[ZfsAnsibleProperties.PolicySource]);
        var unmanaged = PolicyProperties.For(tree.Find("tank/c")!);
        Assert.Equal(("unmanaged", "unmanaged", "none", "off"), (unmanaged[ZfsAnsibleProperties.Policy], unmanaged[ZfsAnsibleProperties.PolicySource], unmanaged[ZfsAnsibleProperties.Retention], unmanaged[ZfsAnsibleProperties.Replicate]));
    }

    [Fact]
    public void Creation_only_properties_warn_and_are_never_set()
    {
        var tree = Tree(new DatasetConfig("tank/a", "standard", Properties: Props(("casesensitivity", "insensitive"))));
        var plan = DatasetPlanner.Converge(tree, Observed("tank/a", [("casesensitivity", "sensitive", PropertySource.None), .. PolicyWrittenLocally()]));
        Assert.Empty(plan.Actions);
        Assert.Contains("fixed when the dataset is created", Assert.Single(plan.Warnings));
    }

    [Fact]
    public void Destroy_needs_allow_destroy_and_a_missing_dataset_needs_nothing()
    {
        var observed = Observed("tank/a");
        Assert.Contains("allow_destroy: true", DatasetPlanner.Destroy("tank/a", allowDestroy: false, observed).Error!.Message);
        Assert.Equal(new DestroyDataset("tank/a"), Assert.Single(DatasetPlanner.Destroy("tank/a", allowDestroy: true, observed).Value.Actions));
        Assert.Empty(DatasetPlanner.Destroy("tank/gone", allowDestroy: true, observed).Value.Actions);
    }
}
