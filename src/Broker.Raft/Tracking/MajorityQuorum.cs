namespace Broker.Raft.Tracking;

/// <summary>Majority arithmetic over a voter set: the one place where "a quorum" is defined.</summary>
internal static class MajorityQuorum
{
    public static int Size(int voterCount) => (voterCount / 2) + 1;

    /// <summary>
    /// The largest value that a majority of voters has reached: sort the voters' values descending and take the
    /// quorum-th. Used for the commit index (over match indices) and for ReadIndex (over acknowledged read sequences).
    /// </summary>
    public static long QuorumValue(IReadOnlyList<int> voters, Func<int, long> valueOf)
    {
        if (voters.Count == 0)
        {
            // No voters: nothing can be decided. Callers treat 0 as "not reached".
            return 0;
        }

        Span<long> values = voters.Count <= 16 ? stackalloc long[voters.Count] : new long[voters.Count];
        for (var i = 0; i < voters.Count; i++)
        {
            values[i] = valueOf(voters[i]);
        }

        values.Sort();
        return values[voters.Count - Size(voters.Count)];
    }

    public static VoteResult Tally(IReadOnlyList<int> voters, IReadOnlyDictionary<int, bool> votes)
    {
        int granted = 0, rejected = 0;
        foreach (var voter in voters)
        {
            if (votes.TryGetValue(voter, out var vote))
            {
                if (vote)
                {
                    granted++;
                }
                else
                {
                    rejected++;
                }
            }
        }

        var quorum = Size(voters.Count);
        if (voters.Count > 0 && granted >= quorum)
        {
            return VoteResult.Won;
        }

        return voters.Count - rejected < quorum ? VoteResult.Lost : VoteResult.Pending;
    }
}
