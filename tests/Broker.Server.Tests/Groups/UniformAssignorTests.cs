using Broker.Core;
using Broker.Server.Groups;

namespace Broker.Server.Tests.Groups;

/// <summary>Properties of the uniform assignor over many random specs: coverage, balance, stickiness, determinism.</summary>
public sealed class UniformAssignorTests
{
    private const int Cases = 300;
    private static readonly UniformAssignor Assignor = new();

    [Fact]
    public void Every_partition_goes_to_exactly_one_subscriber()
    {
        ForRandomSpecs(homogeneous: false, (spec, result) => AssertCovers(spec, result));
    }

    [Fact]
    public void With_identical_subscriptions_member_counts_differ_by_at_most_one()
    {
        ForRandomSpecs(homogeneous: true, (spec, result) =>
        {
            var counts = spec.Members.Select(m => result[m.MemberId].Count).ToList();
            Assert.True(counts.Max() - counts.Min() <= 1, $"counts {string.Join(',', counts)}");
        });
    }

    [Fact]
    public void With_different_subscriptions_no_member_could_take_a_partition_from_one_holding_two_more()
    {
        ForRandomSpecs(homogeneous: false, (spec, result) =>
        {
            foreach (var giver in spec.Members)
            {
                foreach (var taker in spec.Members.Where(t => result[t.MemberId].Count + 2 <= result[giver.MemberId].Count))
                {
                    Assert.DoesNotContain(result[giver.MemberId], p => taker.SubscribedTopics.Contains(p.Topic));
                }
            }
        });
    }

    [Fact]
    public void A_joining_member_takes_only_what_balance_requires()
    {
        ForRandomSpecs(homogeneous: true, (spec, before) =>
        {
            var withCurrent = WithTargets(spec, before);
            var newcomer = new AssignmentMember("zz-new", null, null, spec.Members[0].SubscribedTopics, TopicPartitionSet.Empty);
            var after = Assignor.Assign(withCurrent with { Members = [.. withCurrent.Members, newcomer] });

            var partitions = before.Values.Sum(t => t.Count);
            var moved = spec.Members.Sum(m => before[m.MemberId].Except(after[m.MemberId]).Count);
            Assert.True(moved <= (partitions + spec.Members.Count) / (spec.Members.Count + 1), $"moved {moved} of {partitions}");
            Assert.True(after[newcomer.MemberId].Count >= partitions / (spec.Members.Count + 1));
        });
    }

    [Fact]
    public void With_identical_subscriptions_a_leaving_member_moves_only_its_own_partitions()
    {
        ForRandomSpecs(homogeneous: true, (spec, before) =>
        {
            if (spec.Members.Count < 2)
            {
                return;
            }

            var leaving = spec.Members[^1];
            var remaining = WithTargets(spec, before).Members.Take(spec.Members.Count - 1).ToList();
            var after = Assignor.Assign(spec with { Members = remaining });

            Assert.All(remaining, m => Assert.True(before[m.MemberId].IsSubsetOf(after[m.MemberId]), $"{m.MemberId} lost partitions"));
            AssertCovers(spec with { Members = remaining }, after);
        });
    }

    [Fact]
    public void The_result_depends_only_on_the_spec_not_on_member_order()
    {
        var random = new Random(5);
        ForRandomSpecs(homogeneous: false, (spec, result) =>
        {
            var shuffled = spec with { Members = spec.Members.OrderBy(_ => random.Next()).ToList() };
            var again = Assignor.Assign(shuffled);

            Assert.All(spec.Members, m => Assert.Equal(result[m.MemberId], again[m.MemberId]));
        });
    }

    [Fact]
    public void Targets_for_topics_no_longer_subscribed_or_partitions_that_no_longer_exist_are_dropped()
    {
        var member = new AssignmentMember("m", null, null, ["t"], TopicPartitionSet.Of("t", 0, 5).Union(TopicPartitionSet.Of("u", 0)));

        var result = Assignor.Assign(new AssignmentSpec([member], new Dictionary<string, int> { ["t"] = 2, ["u"] = 1 }));

        Assert.Equal(TopicPartitionSet.Of("t", 0, 1), result["m"]);
    }

    internal static void AssertCovers(AssignmentSpec spec, IReadOnlyDictionary<string, TopicPartitionSet> result)
    {
        var expected = spec.PartitionCounts
            .Where(t => spec.Members.Any(m => m.SubscribedTopics.Contains(t.Key)))
            .SelectMany(t => Enumerable.Range(0, t.Value).Select(p => new TopicPartition(t.Key, p)))
            .ToHashSet();
        var given = spec.Members.SelectMany(m => result[m.MemberId].Select(p => (m, p))).ToList();

        Assert.All(given, g => Assert.Contains(g.p.Topic, g.m.SubscribedTopics));
        Assert.Equal(given.Count, given.Select(g => g.p).Distinct().Count());
        Assert.True(expected.SetEquals(given.Select(g => g.p)));
    }

    private static AssignmentSpec WithTargets(AssignmentSpec spec, IReadOnlyDictionary<string, TopicPartitionSet> targets) =>
        spec with { Members = spec.Members.Select(m => m with { CurrentTarget = targets[m.MemberId] }).ToList() };

    /// <summary>Random specs, each assigned once from scratch and then once more from that result (so stickiness is in play).</summary>
    private static void ForRandomSpecs(bool homogeneous, Action<AssignmentSpec, IReadOnlyDictionary<string, TopicPartitionSet>> check)
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var random = new Random(seed);
            var topics = Enumerable.Range(0, random.Next(1, 4)).ToDictionary(i => $"t{i}", _ => random.Next(0, 24));
            var shared = topics.Keys.Where(_ => random.Next(3) > 0).DefaultIfEmpty("t0").ToArray();
            var members = Enumerable.Range(0, random.Next(1, 9))
                .Select(i => new AssignmentMember(
                    $"m{random.Next(1000):D3}-{i}",
                    null,
                    null,
                    homogeneous ? shared : topics.Keys.Where(_ => random.Next(2) == 0).ToArray(),
                    TopicPartitionSet.Empty))
                .ToList();
            var spec = new AssignmentSpec(members, topics);
            var first = Assignor.Assign(spec);
            check(spec, first);
            check(spec, Assignor.Assign(WithTargets(spec, first)));
        }
    }
}
