package io.linewatch.inference.tensorrt;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The sidecar of an engine file ({@code NAME.engine.json}): its complete key, and the size and
 * SHA-256 of the engine file, so a damaged or swapped file is never loaded. Written after the
 * engine file, so a manifest means a complete engine.
 *
 * @param key          what the engine was built for
 * @param engineFile   the engine's file name, in the same folder
 * @param engineBytes  its size
 * @param engineSha256 its SHA-256
 * @param modelFile    the ONNX file it was built from, as given
 * @param builtAt      when, ISO-8601 UTC
 * @param buildSeconds how long the build took
 * @param validation   the accuracy gate's report lines, or empty when it was not validated
 */
public record EngineManifest(EngineKey key, String engineFile, long engineBytes, String engineSha256,
                             String modelFile, String builtAt, double buildSeconds, List<String> validation) {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
            .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING)
            .build();

    public EngineManifest {
        validation = validation == null ? List.of() : List.copyOf(validation);
    }

    static EngineManifest read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), EngineManifest.class);
    }

    byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }
}
