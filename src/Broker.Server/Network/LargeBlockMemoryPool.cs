using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Broker.Server.Network;

/// <summary>
/// The memory behind every connection's pipes: pinned 64 KiB blocks instead of Kestrel's 4 KiB ones. The socket
/// transport receives into one block at a time, so with 4 KiB blocks a 1 MiB produce request costs 256 receive
/// calls and as many wake-ups of the connection loop; with 64 KiB blocks, 16. Fetch responses are written into
/// fewer, larger segments for the same reason.
/// <para>Freed blocks are kept for reuse up to <see cref="RetainedBlocksMax"/> in all the pools of one
/// <see cref="RetainedBlocks"/> budget (Kestrel makes a pool per I/O queue and listener: one factory's pools share
/// one); beyond that they go to the GC, so a burst does not pin memory for the life of the process.</para>
/// </summary>
internal sealed class LargeBlockMemoryPool(LargeBlockMemoryPool.RetainedBlocks budget) : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    /// <summary>64 MiB of free blocks kept for reuse, per budget.</summary>
    public const int RetainedBlocksMax = 1024;

    private readonly ConcurrentQueue<Block> _free = new();
    private bool _disposed;

    /// <summary>A pool with a budget of its own.</summary>
    public LargeBlockMemoryPool()
        : this(new RetainedBlocks())
    {
    }

    /// <summary>Free blocks kept across the pools sharing it.</summary>
    public sealed class RetainedBlocks
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public bool TryTake()
        {
            if (Interlocked.Increment(ref _count) <= RetainedBlocksMax)
            {
                return true;
            }

            Interlocked.Decrement(ref _count);
            return false;
        }

        public void Release(int blocks = 1) => Interlocked.Add(ref _count, -blocks);
    }

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (minBufferSize > BlockSize)
        {
            return new Block(this, minBufferSize, pooled: false);
        }

        if (_free.TryDequeue(out var block))
        {
            budget.Release();
            block.Reuse();
            return block;
        }

        return new Block(this, BlockSize, pooled: true);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        while (_free.TryDequeue(out _))
        {
            budget.Release();
        }
    }

    private void Return(Block block)
    {
        if (!_disposed && budget.TryTake())
        {
            _free.Enqueue(block);
        }
    }

    private sealed class Block : IMemoryOwner<byte>
    {
        private readonly LargeBlockMemoryPool _pool;
        private readonly byte[] _array;
        private readonly bool _pooled;
        private int _rented = 1;

        public Block(LargeBlockMemoryPool pool, int size, bool pooled)
        {
            _pool = pool;
            _pooled = pooled;
            _array = GC.AllocateUninitializedArray<byte>(size, pinned: pooled);
        }

        public Memory<byte> Memory => Volatile.Read(ref _rented) == 1
            ? _array
            : throw new ObjectDisposedException(nameof(Block), "The block was returned to the pool.");

        public void Reuse() => Volatile.Write(ref _rented, 1);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _rented, 0) == 1 && _pooled)
            {
                _pool.Return(this);
            }
        }
    }
}

/// <summary>Hands Kestrel's transports the <see cref="LargeBlockMemoryPool"/>; registered in the broker's services.</summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    private readonly LargeBlockMemoryPool.RetainedBlocks _budget = new();

    /// <summary>Free blocks kept by all the pools this factory made.</summary>
    public int RetainedBlocks => _budget.Count;

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool(_budget);
}
