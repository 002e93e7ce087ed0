package io.linewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The region states the demo expects over MQTT, counted from a results log: per camera and region
 * its first decided state and each change, lines of other tasks passed over.
 */
class RegionStateChangesTest {

    @TempDir
    Path dir;

    @Test
    void firstStateAndEveryChangeOfEachRegionAreCounted() throws Exception {
        Path log = dir.resolve("results.jsonl");
        Files.writeString(log, String.join("\n",
                "{\"camera\":\"a\",\"frame\":0,\"regions\":[{\"region\":\"g1\",\"state\":\"normal\",\"decided\":\"normal\"},"
                        + "{\"region\":\"g2\",\"state\":\"foaming\",\"decided\":\"normal\"}]}",
                "{\"camera\":\"belt\",\"frame\":0,\"detections\":[]}",
                "{\"camera\":\"panel\",\"frame\":0,\"regions\":[{\"class\":\"dent\",\"area_px\":4.0}]}",
                "{\"camera\":\"a\",\"frame\":1,\"regions\":[{\"region\":\"g1\",\"state\":\"foaming\",\"decided\":\"normal\"},"
                        + "{\"region\":\"g2\",\"state\":\"foaming\",\"decided\":\"foaming\"}]}",
                "{\"camera\":\"b\",\"frame\":0,\"regions\":[{\"region\":\"g1\",\"state\":\"normal\",\"decided\":\"normal\"}]}",
                "{\"camera\":\"a\",\"frame\":2,\"regions\":[{\"region\":\"g1\",\"state\":\"foaming\",\"decided\":\"foaming\"},"
                        + "{\"region\":\"g2\",\"state\":\"normal\",\"decided\":\"foaming\"}]}",
                "{\"camera\":\"a\",\"frame\":3,\"regions\":[{\"region\":\"g1\",\"state\":\"normal\",\"decided\":\"normal\"},"
                        + "{\"region\":\"g2\",\"state\":\"normal\",\"decided\":\"foaming\"}]}", ""));
        // a/g1: normal, foaming, normal (3); a/g2: normal, foaming (2); b/g1: normal (1).
        assertThat(RegionStateChanges.count(log)).isEqualTo(6);
        assertThat(RegionStateChanges.count(dir.resolve("none.jsonl"))).isZero();
    }
}
