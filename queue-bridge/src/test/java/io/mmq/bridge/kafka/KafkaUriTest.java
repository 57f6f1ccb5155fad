package io.mmq.bridge.kafka;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaUriTest
{
    @Test
    void aUriNamesTheBootstrapServersAndTheTopic()
    {
        final KafkaUri uri = KafkaUri.parse("kafka://127.0.0.1:9092/orders");
        assertEquals("127.0.0.1:9092", uri.bootstrapServers());
        assertEquals("orders", uri.topic());
        assertEquals("kafka://127.0.0.1:9092/orders", uri.toString());
        assertEquals("a:1,b.example:9093", KafkaUri.parse("kafka://a:1,b.example:9093/t.x_y-z").bootstrapServers());
        assertTrue(KafkaUri.isKafka("KAFKA://h:1/t"));
        assertFalse(KafkaUri.isKafka("/dev/shm/q.mmq"));
    }

    @Test
    void aWrongUriIsRefusedSayingWhatIsWrong()
    {
        assertWrong("/dev/shm/q.mmq", "it does not start with kafka://");
        assertWrong("kafka://localhost:9092", "no topic");
        assertWrong("kafka://localhost:9092/", "no topic");
        assertWrong("kafka://localhost/t", "each server is HOST:PORT: 'localhost'");
        assertWrong("kafka://localhost:x/t", "not a port: 'x'");
        assertWrong("kafka://localhost:70000/t", "a port is from 1 to 65535: 70000");
        assertWrong("kafka://localhost:9092/a/b", "a topic is 1 to 249 of a-z A-Z 0-9 . _ - (and not . or ..): 'a/b'");
        assertWrong("kafka://localhost:9092/..", "'..'");
        assertWrong("kafka://a:1,/t", "each server is HOST:PORT: ''");
    }

    private static void assertWrong(final String text, final String why)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> KafkaUri.parse(text));
        assertTrue(ex.getMessage().startsWith("not a Kafka URI (kafka://HOST:PORT/TOPIC): " + text + ": "), ex.getMessage());
        assertTrue(ex.getMessage().contains(why), ex.getMessage());
    }
}
