namespace Broker.Raft.Storage;

/// <summary><see cref="IRaftHardState"/> in memory: every Save is trivially atomic and "durable".</summary>
public sealed class MemoryRaftHardState : IRaftHardState
{
    private HardState _state;

    public HardState Load() => _state;

    public void Save(HardState state) => _state = state;
}
