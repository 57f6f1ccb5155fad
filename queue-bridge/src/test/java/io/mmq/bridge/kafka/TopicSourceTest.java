package io.mmq.bridge.kafka;

import io.mmq.Producer;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** What the inbound bridge keeps of a topic's id as its queue's checkpoint source. */
class TopicSourceTest
{
    @Test
    void aRealTopicIdIsKeptAsItsTwoHalvesMixedAndNeverAsNoSource()
    {
        assertEquals(0x1234L ^ 0x5678L, KafkaInbound.topicSource(new Uuid(0x1234L, 0x5678L)));
        assertNotEquals(Producer.NO_SOURCE, KafkaInbound.topicSource(new Uuid(42L, 42L)), "halves that cancel out");
    }

    @Test
    void aBrokerWithoutTopicIdsGivesNoSourceSoThatItsCheckpointsAreNotRefusedOnceItHasThem()
    {
        assertEquals(Producer.NO_SOURCE, KafkaInbound.topicSource(Uuid.ZERO_UUID));
        assertEquals(Producer.NO_SOURCE, KafkaInbound.topicSource(null));
    }
}
