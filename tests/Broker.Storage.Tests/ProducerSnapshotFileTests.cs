namespace Broker.Storage.Tests;

public class ProducerSnapshotFileTests
{
    [Fact]
    public void A_table_reads_back_as_written()
    {
        using var dir = new TempDirectory();
        var table = SampleTable();
        var path = dir.Combine("00000000000000000042.snapshot");

        ProducerSnapshotFile.Write(path, table, durable: true);
        var read = ProducerSnapshotFile.Read(path)!;

        Assert.Equal(table.Count, read.Count);
        foreach (var expected in table.Producers)
        {
            var actual = read.Get(expected.ProducerId)!;
            Assert.Equal(expected.Epoch, actual.Epoch);
            Assert.Equal(Enumerable.Range(0, expected.AppendCount).Select(i => expected[i]), Enumerable.Range(0, actual.AppendCount).Select(i => actual[i]));
        }
    }

    [Fact]
    public void Any_damage_reads_as_no_snapshot_never_as_a_wrong_one()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("00000000000000000001.snapshot");
        ProducerSnapshotFile.Write(path, SampleTable(), durable: false);
        var bytes = File.ReadAllBytes(path);
        var random = new Random(11);

        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Null(ProducerSnapshotFile.Parse(bytes.AsSpan(0, cut)));
        }

        for (var position = 0; position < bytes.Length; position++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[position] ^= (byte)(1 << random.Next(8));
            Assert.Null(ProducerSnapshotFile.Parse(damaged));
        }

        Assert.Null(ProducerSnapshotFile.Read(dir.Combine("missing.snapshot")));
        Assert.Null(ProducerSnapshotFile.Parse([.. bytes, 0]));
    }

    [Fact]
    public void An_empty_table_is_a_valid_snapshot()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("00000000000000000000.snapshot");
        ProducerSnapshotFile.Write(path, new ProducerStateTable(), durable: false);
        Assert.Equal(0, ProducerSnapshotFile.Read(path)!.Count);
        Assert.Equal(10, new FileInfo(path).Length);
    }

    private static ProducerStateTable SampleTable()
    {
        var table = new ProducerStateTable();
        for (var i = 0; i < 7; i++)
        {
            table.Record(new ProducerBatchSpan(1, 3, i * 10, 10), i * 100, (i * 100) + 9, 1_700_000_000_000 + i);
        }

        table.Record(new ProducerBatchSpan(long.MaxValue, short.MaxValue, int.MaxValue, 2), 5_000, 5_001, -1);
        return table;
    }
}
