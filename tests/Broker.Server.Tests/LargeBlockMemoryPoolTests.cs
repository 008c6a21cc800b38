using Broker.Server.Network;

namespace Broker.Server.Tests;

public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Blocks_are_64_KiB_and_reused_after_they_are_returned()
    {
        using var pool = new LargeBlockMemoryPool();
        Assert.Equal(64 * 1024, pool.MaxBufferSize);

        var first = pool.Rent(4096);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, first.Memory.Length);
        first.Memory.Span[0] = 42;
        first.Dispose();
        first.Dispose(); // a second dispose must not return the block twice

        using var again = pool.Rent();
        using var other = pool.Rent();
        Assert.Equal(42, again.Memory.Span[0]); // the same block came back
        Assert.NotEqual(again, other);
    }

    [Fact]
    public void A_returned_block_cannot_be_used_and_larger_requests_get_their_own_array()
    {
        using var pool = new LargeBlockMemoryPool();
        var block = pool.Rent();
        block.Dispose();
        Assert.Throws<ObjectDisposedException>(() => block.Memory);

        using var big = pool.Rent(LargeBlockMemoryPool.BlockSize + 1);
        Assert.True(big.Memory.Length > LargeBlockMemoryPool.BlockSize);
    }

    [Fact]
    public void The_pools_of_one_factory_keep_at_most_the_retained_blocks_between_them()
    {
        // Kestrel asks the factory for a pool per I/O queue and listener: the bound on pinned free memory is the
        // factory's, not each pool's.
        var factory = new LargeBlockMemoryPoolFactory();
        var first = factory.Create();
        using var second = factory.Create();
        var blocks = Enumerable.Range(0, LargeBlockMemoryPool.RetainedBlocksMax)
            .SelectMany(_ => new[] { first.Rent(), second.Rent() })
            .ToList();

        blocks.ForEach(block => block.Dispose());
        Assert.Equal(LargeBlockMemoryPool.RetainedBlocksMax, factory.RetainedBlocks);

        first.Dispose(); // a stopped transport's free blocks leave the budget
        Assert.True(factory.RetainedBlocks < LargeBlockMemoryPool.RetainedBlocksMax);
        using var reused = second.Rent();
        Assert.Equal(LargeBlockMemoryPool.BlockSize, reused.Memory.Length);
    }
}
