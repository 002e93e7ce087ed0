package io.linewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.sinks.AlarmJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * The demo's subscriber on the demo's broker: QoS 1 delivers at least once, so a message that comes
 * again (same topic, same bytes: what a broker's resend of an unacknowledged message looks like) is
 * counted and printed once; the demo's check that every logged alarm was received stays exact.
 */
class AlarmSubscriberTest {

    @Test
    void aMessageThatComesAgainIsCountedOnce() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (EmbeddedBroker broker = new EmbeddedBroker();
             AlarmSubscriber subscriber = new AlarmSubscriber(broker.url(), "linewatch/#",
                     new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            MqttClient publisher = new MqttClient(broker.url(), "test-publisher", new MemoryPersistence());
            publisher.connect();
            byte[] first = alarm("a1", 10);
            publisher.publish("linewatch/plant1/vm/belt/alarms", first, 1, false);
            publisher.publish("linewatch/plant1/vm/belt/alarms", first, 1, false);
            publisher.publish("linewatch/plant1/vm/belt/alarms", alarm("a2", 11), 1, false);
            publisher.publish("linewatch/plant1/vm/other/alarms", first, 1, false);
            long deadline = System.currentTimeMillis() + 10_000;
            while ((subscriber.received() + subscriber.duplicates() < 4) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            publisher.disconnect();
            publisher.close();
            assertThat(subscriber.received()).as("distinct alarms, by topic and bytes").isEqualTo(3);
            assertThat(subscriber.duplicates()).isEqualTo(1);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8).lines()).as(printed.toString(StandardCharsets.UTF_8))
                .hasSize(3);
    }

    private static byte[] alarm(String id, long frame) {
        return ("{\"schema\":\"" + AlarmJson.SCHEMA + "\",\"id\":\"" + id + "\",\"camera\":\"belt\",\"type\":\"raised\","
                + "\"class\":\"foreign_object\",\"score\":0.9,\"frame\":" + frame + "}").getBytes(StandardCharsets.UTF_8);
    }
}
