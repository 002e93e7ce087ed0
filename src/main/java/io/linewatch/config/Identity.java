package io.linewatch.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Who publishes: the plant or line ({@code site}) and this box within it ({@code node}). Both go into
 * the MQTT client id, the topics and every message, so two boxes with the same config never share a
 * broker session or a retained topic.
 *
 * @param site the config's {@code site}
 * @param node the config's {@code node}; by default the host name
 */
public record Identity(String site, String node) {

    /** What an id (site, node, camera) may hold: it becomes one level of an MQTT topic. */
    public static final String ID_PATTERN = "[A-Za-z0-9_.-]+";

    /**
     * This host's name made into a node id: lower case, and any character an id may not hold
     * replaced by '-'; "node" when the host has no name.
     */
    public static String hostNode() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            name = etcHostname();
        }
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                name = null;
            }
        }
        if (name == null || name.isBlank()) {
            return "node";
        }
        String shortName = name.strip().split("\\.", 2)[0];
        return shortName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "-");
    }

    private static String etcHostname() {
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
