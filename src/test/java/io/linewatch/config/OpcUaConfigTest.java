package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The opcua section: off by default, its keys, and one-line errors for what cannot serve safely. */
class OpcUaConfigTest {

    private static final String CONFIG = """
            site: plant1
            cameras:
              - id: cam1
                source: clip.mp4
                model: det
            models:
              det:
                path: det.onnx
                classes: [product]
            %s
            """;

    @TempDir
    Path dir;

    @Test
    void offByDefaultAndOnLoopback() throws Exception {
        OpcUaConfig o = ConfigFiles.load(dir, CONFIG.formatted("")).opcua();
        assertThat(o.enabled()).isFalse();
        assertThat(o.bind()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(4840);
        assertThat(o.stateDir()).isEqualTo("opcua");
        assertThat(o.usersFile()).isNull();
        assertThat(o.loopback()).isTrue();
    }

    @Test
    void readsEveryKeyAndResolvesTheUsersFileAgainstTheConfigFolder() throws Exception {
        OpcUaConfig o = ConfigFiles.load(dir, CONFIG.formatted("""
                opcua:
                  enabled: true
                  bind: 0.0.0.0
                  port: 4841
                  state_dir: /var/lib/linewatch/opcua
                  users_file: opcua-users
                """)).opcua();
        assertThat(o.enabled()).isTrue();
        assertThat(o.bind()).isEqualTo("0.0.0.0");
        assertThat(o.loopback()).isFalse();
        assertThat(o.port()).isEqualTo(4841);
        assertThat(o.stateDir()).isEqualTo("/var/lib/linewatch/opcua");
        assertThat(o.usersFile()).isEqualTo(dir.resolve("opcua-users").toString());
    }

    @Test
    void anonymousAccessBeyondLoopbackIsRefusedInOneLine() {
        assertThat(ConfigFiles.error(dir, CONFIG.formatted("opcua: {enabled: true, bind: 0.0.0.0}")))
                .endsWith("opcua.users_file: required when opcua.bind ('0.0.0.0') is not a loopback address"
                        + " (anonymous access is for loopback only)");
    }

    @Test
    void badKeysAreOneLineNamingTheKey() {
        assertThat(ConfigFiles.error(dir, CONFIG.formatted("opcua: {enabled: true, prot: 4840}")))
                .contains("opcua: unknown key 'prot'").contains("users_file");
        assertThat(ConfigFiles.error(dir, CONFIG.formatted("opcua: {enabled: true, port: 0}")))
                .contains("opcua: port must be 1..65535, got 0");
        assertThat(ConfigFiles.error(dir, CONFIG.formatted("opcua: {enabled: yes please}")))
                .contains("opcua.enabled: expected true or false");
    }
}
