using Broker.Raft;
using Broker.Raft.Storage;

namespace Broker.Raft.Tests.Storage;

public sealed class FileRaftHardStateTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raft-hs-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_node_that_never_saved_loads_the_empty_state() =>
        Assert.Equal(HardState.Empty, new FileRaftHardState(_directory).Load());

    [Fact]
    public void The_last_saved_state_is_loaded_by_a_new_instance()
    {
        var store = new FileRaftHardState(_directory);
        store.Save(new HardState(3, 2, 10));
        store.Save(new HardState(4, 1, 12));
        Assert.Equal(new HardState(4, 1, 12), new FileRaftHardState(_directory).Load());
    }

    [Fact]
    public void A_leftover_temporary_file_from_a_crashed_save_is_ignored()
    {
        var store = new FileRaftHardState(_directory);
        store.Save(new HardState(3, 2, 10));
        File.WriteAllBytes(Path.Combine(_directory, "hardstate.tmp"), [1, 2, 3]);
        Assert.Equal(new HardState(3, 2, 10), new FileRaftHardState(_directory).Load());
    }

    [Fact]
    public void A_corrupt_file_is_reported_not_reset()
    {
        new FileRaftHardState(_directory).Save(new HardState(3, 2, 10));
        var path = Path.Combine(_directory, "hardstate");
        var bytes = File.ReadAllBytes(path);
        bytes[0] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Throws<InvalidDataException>(() => new FileRaftHardState(_directory).Load());
    }
}
