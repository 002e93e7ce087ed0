package io.linewatch.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads a YAML config into typed records and validates it. Every failure is a {@link
 * ConfigException} whose message is one line: {@code FILE: field.path: what is wrong}. Relative
 * model paths, camera sources and MQTT credential files are resolved against the config file's folder.
 */
public final class ConfigLoader {

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private static final int QUOTE_CHARS = 60;

    private ConfigLoader() {
    }

    /** Loads, validates and resolves the config at {@code file}; the config must name every model's classes. */
    public static LinewatchConfig load(Path file) throws ConfigException {
        return load(file, ModelFacts.Reader.NONE);
    }

    /**
     * Loads, resolves and validates the config at {@code file}; what a model's config leaves out
     * (classes, input size) is read from the model file by {@code reader}, and a config that
     * disagrees with its model file is refused.
     */
    public static LinewatchConfig load(Path file, ModelFacts.Reader reader) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        LinewatchConfig config = parse(file.toString(), text);
        Path base = file.toAbsolutePath().getParent();
        LinewatchConfig resolved;
        try {
            resolved = resolve(config, base);
        } catch (java.nio.file.InvalidPathException e) {
            ConfigValidator.validate(file.toString(), config);
            throw new ConfigException(file + ": not a usable path: " + e.getMessage());
        }
        var models = new java.util.LinkedHashMap<String, ModelConfig>();
        for (var entry : resolved.models().entrySet()) {
            models.put(entry.getKey(), ModelDefaults.complete(file + ": models." + entry.getKey(), entry.getValue(),
                    reader));
        }
        return ConfigValidator.validate(file.toString(), resolved.withModels(models));
    }

    /** Parses YAML text; {@code origin} names it in error messages. Does not validate references. */
    public static LinewatchConfig parse(String origin, String text) throws ConfigException {
        if (text.isBlank()) {
            throw new ConfigException(origin + ": the file is empty");
        }
        try {
            // Parse the whole document first, so a syntax error anywhere is reported as such.
            JsonNode tree = YAML.readTree(text);
            if (tree == null || !tree.isObject()) {
                throw new ConfigException(origin + ": expected a mapping of settings (site, cameras, models, ...),"
                        + " got " + (tree == null || tree.isNull() ? "nothing" : quote(tree.asText())));
            }
            return YAML.treeToValue(tree, LinewatchConfig.class);
        } catch (JsonMappingException e) {
            throw new ConfigException(origin + ": " + describe(e));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigException(origin + ": not valid YAML" + where + ": " + firstLine(e.getOriginalMessage()));
        }
    }

    private static LinewatchConfig resolve(LinewatchConfig config, Path base) {
        List<CameraConfig> cameras = new ArrayList<>();
        for (CameraConfig camera : config.cameras()) {
            cameras.add(camera.withSource(resolvePath(base, camera.source())));
        }
        var models = new java.util.LinkedHashMap<String, ModelConfig>();
        config.models().forEach((name, m) -> models.put(name, m.withPath(resolvePath(base, m.path()))
                .withTensorRt(m.tensorrt().withFiles(p -> resolvePath(base, p)))));
        return config.withCameras(cameras).withModels(models).withMqtt(config.mqtt().withFiles(p -> resolvePath(base, p)))
                .withHttp(config.http().withFiles(p -> resolvePath(base, p)))
                .withOpcUa(config.opcua().withFiles(p -> resolvePath(base, p)));
    }

    private static String resolvePath(Path base, String path) {
        if (path == null || path.contains("://") || Path.of(path).isAbsolute()) {
            return path;
        }
        return base.resolve(path).normalize().toString();
    }

    private static String describe(JsonMappingException e) {
        boolean unknownKey = e instanceof UnrecognizedPropertyException;
        String path = pathOf(e, unknownKey ? 1 : 0);
        String prefix = path.isEmpty() ? "" : path + ": ";
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : " (known keys: "
                    + u.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", ")) + ")";
            return prefix + "unknown key '" + u.getPropertyName() + "'" + known;
        }
        if (e instanceof InvalidFormatException f) {
            return prefix + "expected " + typeName(f.getTargetType()) + ", got " + quote(String.valueOf(f.getValue()));
        }
        if (e instanceof ValueInstantiationException v && v.getCause() instanceof NullPointerException) {
            return prefix + "an entry is empty";
        }
        if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            return prefix + firstLine(v.getCause().getMessage());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return prefix + "expected " + typeName(m.getTargetType()) + got(m);
        }
        return prefix + firstLine(e.getOriginalMessage());
    }

    /** The scalar the parser stood on, if it was one. */
    private static String got(MismatchedInputException e) {
        if (e.getProcessor() instanceof JsonParser p && p.currentToken() != null && p.currentToken().isScalarValue()) {
            try {
                return ", got " + quote(p.getText());
            } catch (IOException ignored) {
                return "";
            }
        }
        return "";
    }

    private static String pathOf(JsonMappingException e, int dropLast) {
        StringBuilder path = new StringBuilder();
        List<JsonMappingException.Reference> refs = e.getPath();
        for (JsonMappingException.Reference ref : refs.subList(0, Math.max(0, refs.size() - dropLast))) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String typeName(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> c.toString().toLowerCase(Locale.ROOT)).collect(Collectors.toList());
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping (" + type.getSimpleName().replace("Config", "").toLowerCase(Locale.ROOT) + ")";
    }

    /** A value as the user wrote it, quoted, on one line and cut short. */
    private static String quote(String value) {
        String line = firstLine(value);
        boolean cut = line.length() > QUOTE_CHARS || !line.equals(value.trim());
        return "'" + (line.length() > QUOTE_CHARS ? line.substring(0, QUOTE_CHARS) : line) + (cut ? "...'" : "'");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
