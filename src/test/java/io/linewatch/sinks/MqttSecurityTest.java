package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.linewatch.config.Identity;
import io.linewatch.config.MqttConfig;
import io.linewatch.config.OutboxConfig;
import io.linewatch.config.TlsConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.testing.LogLines;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with a client certificate, and a user name and password, against a real Mosquitto. */
class MqttSecurityTest {

    @TempDir
    Path dir;

    private static MqttConfig secured(String url, TestPki pki, String user, Path passwordFile, Path outbox) {
        return new MqttConfig(true, url, "linewatch-secure", null, null, null, null, 1, 5, 30, false, user,
                passwordFile.toString(), null, new TlsConfig(pki.ca.toString(), pki.clientCert.toString(),
                pki.clientKey.toString()), 200L, 1000L, new OutboxConfig(outbox.toString(), null));
    }

    private static Mosquitto tlsBroker(Path dir, TestPki pki, Path passwd) throws Exception {
        return Mosquitto.start(dir.resolve("broker"),
                "cafile " + pki.ca, "certfile " + pki.serverCert, "keyfile " + pki.serverKey,
                "require_certificate true", "allow_anonymous false", "password_file " + passwd);
    }

    @Test
    void alarmsGoOverTlsWithAClientCertificateAndAPasswordFromAFile() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Path passwd = TestPki.passwordFile(dir, "linewatch", "s3cret");
        try (Mosquitto broker = tlsBroker(dir, pki, passwd)) {
            String url = "ssl://127.0.0.1:" + broker.port();
            List<String> received = Collections.synchronizedList(new ArrayList<>());
            MqttConfig c = secured(url, pki, "linewatch", Files.writeString(dir.resolve("pw"), "s3cret\n"),
                    dir.resolve("outbox"));
            MqttClient consumer = new MqttClient(url, "consumer", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setSocketFactory(MqttTls.socketFactory(c.tls()));
            o.setUserName("linewatch");
            o.setPassword("s3cret".toCharArray());
            consumer.connect(o);
            consumer.subscribe("linewatch/#", 1, (t, m) -> received.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            try (Outbox outbox = Outbox.open(dir.resolve("outbox"), c.outbox().maxBytes())) {
                MqttPublisher publisher = MqttPublisher.start(c, new Identity("site", "box"), outbox);
                assertThat(publisher.awaitConnected(15_000)).as(broker.log()).isTrue();
                AlarmEvent a = MqttPublisherTest.alarm("cam", 1);
                assertThat(publisher.acceptAlarm(a, AlarmJson.toJson(a, null))).isTrue();
                await().atMost(Duration.ofSeconds(15)).until(() -> received.stream().anyMatch(p -> p.contains(a.id())));
                publisher.close();
            } finally {
                consumer.disconnect();
                consumer.close();
            }
        }
    }

    /** A broker whose certificate the daemon must refuse: never connected, the alarm kept, the reason logged. */
    private void refused(TestPki trusted, TestPki served, String reason) throws Exception {
        Path passwd = TestPki.passwordFile(dir, "linewatch", "s3cret");
        try (Mosquitto broker = tlsBroker(dir, served, passwd); LogLines log = new LogLines()) {
            MqttConfig c = secured("ssl://127.0.0.1:" + broker.port(), trusted, "linewatch",
                    Files.writeString(dir.resolve("pw"), "s3cret\n"), dir.resolve("outbox"));
            try (Outbox outbox = Outbox.open(dir.resolve("outbox"), c.outbox().maxBytes())) {
                MqttPublisher publisher = MqttPublisher.start(c, new Identity("site", "box"), outbox);
                AlarmEvent a = MqttPublisherTest.alarm("cam", 1);
                publisher.acceptAlarm(a, AlarmJson.toJson(a, null));
                assertThat(publisher.awaitConnected(3_000)).isFalse();
                await().atMost(Duration.ofSeconds(10)).until(() -> !log.containing("cannot connect").isEmpty());
                publisher.close();
                assertThat(outbox.waitingCount()).as("the alarm waits for a broker it can trust").isEqualTo(1);
                assertThat(log.containing("cannot connect")).allMatch(l -> l.contains(reason), "names the reason: " + reason);
            }
        }
    }

    @Test
    void aBrokerCertificateFromAnotherCaIsRefusedWithTheReason() throws Exception {
        refused(TestPki.create(dir.resolve("ours")), TestPki.create(dir.resolve("theirs")),
                "PKIX path validation failed");
    }

    @Test
    void aBrokerCertificateForAnotherHostIsRefusedWithTheReason() throws Exception {
        TestPki elsewhere = TestPki.create(dir.resolve("pki"), "DNS:broker.elsewhere.example");
        refused(elsewhere, elsewhere, "No subject alternative names matching IP address 127.0.0.1");
    }

    @Test
    void aWrongPasswordNeverConnectsAndKeepsTheAlarmsInTheOutbox() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Path passwd = TestPki.passwordFile(dir, "linewatch", "s3cret");
        try (Mosquitto broker = tlsBroker(dir, pki, passwd)) {
            MqttConfig c = secured("ssl://127.0.0.1:" + broker.port(), pki, "linewatch",
                    Files.writeString(dir.resolve("pw"), "wrong\n"), dir.resolve("outbox"));
            try (Outbox outbox = Outbox.open(dir.resolve("outbox"), c.outbox().maxBytes())) {
                MqttPublisher publisher = MqttPublisher.start(c, new Identity("site", "box"), outbox);
                AlarmEvent a = MqttPublisherTest.alarm("cam", 1);
                publisher.acceptAlarm(a, AlarmJson.toJson(a, null));
                assertThat(publisher.awaitConnected(3_000)).isFalse();
                publisher.close();
                assertThat(outbox.waitingCount()).isEqualTo(1);
            }
        }
    }

    @Test
    void credentialProblemsAreOneLineErrorsAtStart() throws Exception {
        Path outbox = dir.resolve("outbox");
        MqttConfig fromEnv = new MqttConfig(true, "tcp://127.0.0.1:1", null, null, null, null, null, 1, 5, 30, false,
                "linewatch", null, "LINEWATCH_TEST_SURELY_UNSET", null, null, null,
                new OutboxConfig(outbox.toString(), null));
        try (Outbox box = Outbox.open(outbox, fromEnv.outbox().maxBytes())) {
            assertThatThrownBy(() -> MqttPublisher.start(fromEnv, new Identity("site", "box"), box)).isInstanceOf(SinkException.class)
                    .hasMessage("mqtt: password_env: environment variable LINEWATCH_TEST_SURELY_UNSET is not set");
            Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
            MqttConfig badCa = new MqttConfig(true, "ssl://127.0.0.1:1", null, null, null, null, null, 1, 5, 30, false,
                    null, null, null, new TlsConfig(notPem.toString(), null, null), null, null, null);
            assertThatThrownBy(() -> MqttPublisher.start(badCa, new Identity("site", "box"), box)).isInstanceOf(SinkException.class)
                    .hasMessageStartingWith("mqtt tls: " + notPem + ": ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            TestPki pki = TestPki.create(dir.resolve("pki"));
            Path rsaLegacy = dir.resolve("legacy-key.pem");
            Files.writeString(rsaLegacy, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
            MqttConfig legacyKey = new MqttConfig(true, "ssl://127.0.0.1:1", null, null, null, null, null, 1, 5, 30, false,
                    null, null, null, new TlsConfig(pki.ca.toString(), pki.clientCert.toString(), rsaLegacy.toString()),
                    null, null, null);
            assertThatThrownBy(() -> MqttPublisher.start(legacyKey, new Identity("site", "box"), box)).isInstanceOf(SinkException.class)
                    .hasMessageContaining(rsaLegacy + ": expected an unencrypted PKCS#8 key")
                    .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        }
    }
}
