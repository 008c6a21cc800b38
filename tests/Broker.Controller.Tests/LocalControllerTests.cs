using Broker.Controller.Metadata;
using Broker.Core.Errors;
using Broker.Storage;

namespace Broker.Controller.Tests;

public sealed class LocalControllerTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "controller-tests-" + Guid.NewGuid().ToString("N"));
    private LogManager? _logs;
    private MetadataLog? _metadataLog;

    public void Dispose()
    {
        Close();
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_created_topic_has_its_partitions_led_by_the_only_broker()
    {
        var controller = await OpenAsync();
        var outcomes = await controller.CreateTopicsAsync([new NewTopic("orders", 3, 1)], validateOnly: false);

        Assert.Equal(ErrorCode.None, Assert.Single(outcomes).Error);
        var topic = controller.Image.Topics["orders"];
        Assert.Equal(3, topic.Partitions.Length);
        Assert.All(topic.Partitions, p => Assert.Equal("1 0 [1] [1]", $"{p.Leader} {p.LeaderEpoch} [{string.Join(",", p.Replicas)}] [{string.Join(",", p.Isr)}]"));
    }

    [Fact]
    public async Task Metadata_survives_a_restart_by_replaying_the_log()
    {
        var controller = await OpenAsync();
        await controller.CreateTopicsAsync([new NewTopic("a", 2, 1, new Dictionary<string, string> { ["retention.ms"] = "60000" }), new NewTopic("b", 1, 1)], false);
        await controller.CreatePartitionsAsync([("a", 5)], false);
        await controller.AlterConfigsAsync([(new ConfigResource(ConfigResourceType.Topic, "a"), [new ConfigChange("flush", "always"), new ConfigChange("retention.ms", null)])], false);
        await controller.DeleteTopicsAsync(["b"]);
        var before = controller.Image;

        Close();
        var reopened = await OpenAsync();

        Assert.Equal(["a"], reopened.Image.Topics.Keys);
        Assert.Equal(5, reopened.Image.Topics["a"].Partitions.Length);
        Assert.Equal(before.Topics["a"].TopicId, reopened.Image.Topics["a"].TopicId);
        Assert.Equal(new Dictionary<string, string> { ["flush"] = "always" }, reopened.Image.ConfigOf(ConfigResourceType.Topic, "a"));
        Assert.Equal(before.Offset, reopened.Image.Offset);
    }

    [Fact]
    public async Task Each_bad_request_item_fails_alone_with_its_own_code()
    {
        var controller = await OpenAsync();
        await controller.CreateTopicsAsync([new NewTopic("exists", 1, 1)], false);

        var outcomes = await controller.CreateTopicsAsync(
        [
            new NewTopic("exists", 1, 1),
            new NewTopic("bad/name", 1, 1),
            new NewTopic("__internal", 1, 1),
            new NewTopic("zero", 0, 1),
            new NewTopic("huge", ControllerLimits.PartitionsPerTopicMax + 1, 1),
            new NewTopic("rf3", 1, 3),
            new NewTopic("badconfig", 1, 1, new Dictionary<string, string> { ["retention.ms"] = "soon" }),
            new NewTopic("unknownconfig", 1, 1, new Dictionary<string, string> { ["no.such.key"] = "1" }),
            new NewTopic("good", -1, -1),
        ], validateOnly: false);

        Assert.Equal(
            [ErrorCode.TopicAlreadyExists, ErrorCode.InvalidTopic, ErrorCode.InvalidTopic, ErrorCode.InvalidPartitions, ErrorCode.InvalidPartitions,
             ErrorCode.InvalidReplicationFactor, ErrorCode.InvalidConfig, ErrorCode.InvalidConfig, ErrorCode.None],
            outcomes.Select(o => o.Error));
        Assert.All(outcomes.Where(o => o.Error != ErrorCode.None), o => Assert.False(string.IsNullOrEmpty(o.Message)));
        Assert.Equal(["exists", "good"], controller.Image.Topics.Keys);
    }

    [Fact]
    public async Task Validate_only_checks_without_creating()
    {
        var controller = await OpenAsync();
        var outcome = Assert.Single(await controller.CreateTopicsAsync([new NewTopic("t", 2, 1)], validateOnly: true));
        Assert.Equal(ErrorCode.None, outcome.Error);
        Assert.Empty(controller.Image.Topics);
    }

    [Fact]
    public async Task Partitions_only_grow_and_configs_only_apply_to_existing_topics()
    {
        var controller = await OpenAsync();
        await controller.CreateTopicsAsync([new NewTopic("t", 4, 1)], false);

        Assert.Equal(ErrorCode.InvalidPartitions, (await controller.CreatePartitionsAsync([("t", 2)], false))[0].Error);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (await controller.CreatePartitionsAsync([("nope", 2)], false))[0].Error);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (await controller.DeleteTopicsAsync(["nope"]))[0].Error);
        var alter = await controller.AlterConfigsAsync([(new ConfigResource(ConfigResourceType.Topic, "t"), [new ConfigChange("segment.bytes", "1")])], false);
        Assert.Equal(ErrorCode.InvalidConfig, alter[0].Error);
        Assert.Empty(controller.Image.ConfigOf(ConfigResourceType.Topic, "t"));
    }

    [Fact]
    public async Task Image_changes_are_published_in_commit_order()
    {
        var controller = await OpenAsync();
        var seen = new List<(long, long)>();
        controller.ImageChanged += (previous, next) => seen.Add((previous.Offset, next.Offset));
        await controller.CreateTopicsAsync([new NewTopic("x", 1, 1), new NewTopic("y", 1, 1)], false);

        Assert.Equal(2, seen.Count);
        Assert.Equal(seen[0].Item2, seen[1].Item1);
        Assert.Equal(controller.Image.Offset, seen[1].Item2);
    }

    [Fact]
    public async Task Internal_topics_are_created_only_by_the_broker_and_clients_cannot_delete_or_repartition_them()
    {
        var controller = await OpenAsync();
        var byClient = await controller.CreateTopicsAsync([new NewTopic("__consumer_offsets", 3, 1)], validateOnly: false);
        Assert.Equal(ErrorCode.InvalidTopic, byClient[0].Error);

        var byBroker = await controller.CreateInternalTopicAsync(new NewTopic("__consumer_offsets", 3, 1, new Dictionary<string, string> { ["cleanup.policy"] = "compact" }));
        Assert.Equal(ErrorCode.None, byBroker.Error);
        Assert.Equal(3, controller.Image.Topics["__consumer_offsets"].Partitions.Length);
        Assert.Equal("compact", controller.Image.ConfigOf(ConfigResourceType.Topic, "__consumer_offsets")["cleanup.policy"]);
        Assert.Equal(ErrorCode.TopicAlreadyExists, (await controller.CreateInternalTopicAsync(new NewTopic("__consumer_offsets", 3, 1))).Error);
        Assert.Equal(ErrorCode.InvalidTopic, (await controller.CreateInternalTopicAsync(new NewTopic("plain", 1, 1))).Error);

        Assert.Equal(ErrorCode.InvalidTopic, (await controller.DeleteTopicsAsync(["__consumer_offsets"]))[0].Error);
        Assert.Equal(ErrorCode.InvalidTopic, (await controller.CreatePartitionsAsync([("__consumer_offsets", 6)], validateOnly: false))[0].Error);
        Assert.True(controller.Image.Topics.ContainsKey("__consumer_offsets"));
    }

    [Fact]
    public async Task Producer_id_blocks_follow_each_other_and_a_restart_never_hands_out_an_id_again()
    {
        var controller = await OpenAsync();
        var first = await controller.AllocateProducerIdsAsync(1);
        var second = await controller.AllocateProducerIdsAsync(1);
        Assert.Equal(new ProducerIdBlock(0, ControllerLimits.ProducerIdBlockSize), first);
        Assert.Equal(first.NextId, second.FirstId);

        Close();
        var reopened = await OpenAsync();
        Assert.Equal(second.NextId, reopened.Image.NextProducerId);
        var third = await reopened.AllocateProducerIdsAsync(1);
        Assert.Equal(second.NextId, third.FirstId);

        Assert.Equal(ErrorCode.CoordinatorNotAvailable, (await Assert.ThrowsAsync<BrokerException>(async () => await reopened.AllocateProducerIdsAsync(7))).Code);
    }

    [Fact]
    public async Task An_operation_cancelled_while_its_write_is_being_fsynced_still_updates_the_image()
    {
        // Its records are in the log once the write began: an image without them would plan the next block from the
        // same id, and replaying two such blocks fails, so the broker would not start again.
        var controller = await OpenAsync();
        for (var i = 0; i < 20; i++)
        {
            using var cancel = new CancellationTokenSource();
            var allocation = controller.AllocateProducerIdsAsync(1, cancel.Token).AsTask();
            await cancel.CancelAsync(); // the call returned while awaiting the metadata log's fsync (unless it was done)
            try
            {
                await allocation;
            }
            catch (OperationCanceledException)
            {
                // Cancelled before anything was written: as good as never asked.
            }
        }

        var last = await controller.AllocateProducerIdsAsync(1);
        Close();
        var reopened = await OpenAsync();

        Assert.Equal(last.NextId, reopened.Image.NextProducerId);
    }

    [Fact]
    public void An_image_refuses_a_producer_id_block_that_would_reuse_ids()
    {
        var image = MetadataImage.Empty.Apply(new ProducerIdsRecord(1, 0, 1000), 0);
        Assert.Equal(1000, image.NextProducerId);
        Assert.Throws<InvalidOperationException>(() => image.Apply(new ProducerIdsRecord(1, 0, 1000), 1));
    }

    private async Task<LocalController> OpenAsync()
    {
        _logs = LogManager.Open(_dataDir, 1, LogConfig.Default, TimeProvider.System);
        _metadataLog = new MetadataLog(_logs.GetOrCreateLog(MetadataLog.Partition, MetadataLog.Config), TimeProvider.System);
        var controller = LocalController.Open(_metadataLog, ControllerDefaults.Default);
        await controller.RegisterBrokerAsync(1, "127.0.0.1", 9192, null);
        return controller;
    }

    private void Close()
    {
        _metadataLog?.Dispose();
        _logs?.Close();
        _metadataLog = null;
        _logs = null;
    }
}
