using Broker.Raft;

namespace Broker.Raft.Tests.Core;

public class ConfStateTests
{
    [Fact]
    public void Encoding_round_trips()
    {
        var conf = new ConfState([3, 1, 2], [7, 5]);
        var decoded = ConfState.Decode(conf.Encode());
        Assert.Equal(conf, decoded);
        Assert.Equal([1, 2, 3], decoded.Voters);
        Assert.Equal([5, 7], decoded.Observers);
    }

    [Fact]
    public void A_node_is_never_both_voter_and_observer() =>
        Assert.Equal([2], new ConfState([1], [1, 2]).Observers);

    [Fact]
    public void Truncated_or_inconsistent_bytes_are_refused()
    {
        var bytes = new ConfState([1, 2], [3]).Encode();
        Assert.Throws<FormatException>(() => ConfState.Decode(bytes[..^1]));
        Assert.Throws<FormatException>(() => ConfState.Decode(bytes[..4]));
        bytes[0] = 9;
        Assert.Throws<FormatException>(() => ConfState.Decode(bytes));
    }

    [Theory]
    [InlineData(ConfChangeType.AddVoter, 4, "1,2,3,4", "5")]
    [InlineData(ConfChangeType.AddVoter, 5, "1,2,3,5", "")]
    [InlineData(ConfChangeType.AddObserver, 3, "1,2", "3,5")]
    [InlineData(ConfChangeType.RemoveNode, 5, "1,2,3", "")]
    [InlineData(ConfChangeType.RemoveNode, 2, "1,3", "5")]
    public void A_change_alters_one_member(ConfChangeType type, int node, string voters, string observers)
    {
        var next = new ConfChange(type, node).ApplyTo(new ConfState([1, 2, 3], [5]));
        Assert.Equal(voters, string.Join(',', next.Voters));
        Assert.Equal(observers, string.Join(',', next.Observers));
    }
}
