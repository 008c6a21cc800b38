namespace Broker.Raft.Tests.Scenarios;

/// <summary>One test per script in testdata/, each named after the rule the script checks.</summary>
public class ScenarioTests
{
    [Fact]
    public void Election_a_majority_elects_a_leader() => ScenarioRunner.Run("election_majority_elects_a_leader.txt");

    [Fact]
    public void Election_one_vote_per_term() => ScenarioRunner.Run("election_one_vote_per_term.txt");

    [Fact]
    public void Election_restriction_a_candidate_needs_an_up_to_date_log() =>
        ScenarioRunner.Run("election_restriction_candidate_needs_up_to_date_log.txt");

    [Fact]
    public void Prevote_a_partitioned_node_does_not_disrupt_the_leader() =>
        ScenarioRunner.Run("prevote_partitioned_node_does_not_disrupt_the_leader.txt");

    [Fact]
    public void Without_prevote_a_returning_node_forces_a_new_election() =>
        ScenarioRunner.Run("without_prevote_a_returning_node_forces_a_new_election.txt");

    [Fact]
    public void Checkquorum_an_isolated_leader_steps_down() => ScenarioRunner.Run("checkquorum_isolated_leader_steps_down.txt");

    [Fact]
    public void Leader_lease_followers_ignore_candidates_while_the_leader_is_alive() =>
        ScenarioRunner.Run("leader_lease_followers_ignore_candidates_while_leader_is_alive.txt");

    [Fact]
    public void Replication_commit_needs_a_majority() => ScenarioRunner.Run("replication_commit_needs_a_majority.txt");

    [Fact]
    public void Figure7_the_leader_brings_every_follower_log_into_line() =>
        ScenarioRunner.Run("figure7_leader_brings_every_follower_log_into_line.txt");

    [Fact]
    public void Figure8_a_leader_does_not_commit_an_older_term_entry_by_counting() =>
        ScenarioRunner.Run("figure8_leader_does_not_commit_an_older_term_entry_by_counting.txt");

    [Fact]
    public void Figure8_planted_bug_commits_an_entry_a_later_leader_overwrites() =>
        ScenarioRunner.Run("figure8_planted_bug_commits_an_entry_a_later_leader_overwrites.txt");

    [Fact]
    public void Snapshot_a_lagging_follower_receives_the_leaders_snapshot() =>
        ScenarioRunner.Run("snapshot_lagging_follower_receives_the_leaders_snapshot.txt");

    [Fact]
    public void Membership_an_added_voter_catches_up_and_counts_toward_quorum() =>
        ScenarioRunner.Run("membership_added_voter_catches_up_and_counts_toward_quorum.txt");

    [Fact]
    public void Membership_one_change_at_a_time_and_not_before_the_term_commits() =>
        ScenarioRunner.Run("membership_one_change_at_a_time_and_not_before_the_term_commits.txt");

    [Fact]
    public void Membership_a_removed_voter_shrinks_the_quorum() =>
        ScenarioRunner.Run("membership_removed_voter_shrinks_the_quorum.txt");

    [Fact]
    public void Membership_an_observer_receives_the_log_but_never_counts() =>
        ScenarioRunner.Run("membership_observer_receives_the_log_but_never_counts.txt");

    [Fact]
    public void Transfer_hands_leadership_to_a_caught_up_follower() =>
        ScenarioRunner.Run("transfer_hands_leadership_to_a_caught_up_follower.txt");

    [Fact]
    public void Read_index_is_answered_after_a_quorum_confirms_the_leader() =>
        ScenarioRunner.Run("read_index_is_answered_after_a_quorum_confirms_the_leader.txt");

    [Fact]
    public void Read_index_waits_for_the_leaders_first_commit() =>
        ScenarioRunner.Run("read_index_waits_for_the_leaders_first_commit.txt");

    [Fact]
    public void Flow_control_bounds_appends_in_flight() => ScenarioRunner.Run("flow_control_bounds_appends_in_flight.txt");

    [Fact]
    public void Restart_keeps_term_vote_and_log() => ScenarioRunner.Run("restart_keeps_term_vote_and_log.txt");
}
