package io.linewatch.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The daemon's OPC UA server: its address space, alarms and conditions (README, "OPC UA").
 *
 * @param enabled   serve OPC UA
 * @param bind      address to listen on; loopback by default. Anonymous sessions are allowed only on
 *                  a loopback address; elsewhere every session needs a user of {@code usersFile}
 * @param port      TCP port
 * @param stateDir  folder of the server's own certificate and key, made on first start, and of its
 *                  trust list ({@code pki/trusted/certs}) and rejected client certificates
 *                  ({@code pki/rejected/certs})
 * @param usersFile file of {@code name:password} lines (no YAML passwords), or null for no users
 */
public record OpcUaConfig(Boolean enabled, String bind, Integer port, String stateDir, String usersFile) {

    public OpcUaConfig {
        enabled = enabled != null && enabled;
        bind = bind == null ? "127.0.0.1" : bind;
        port = port == null ? 4840 : port;
        stateDir = stateDir == null ? "opcua" : stateDir;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    static OpcUaConfig defaults() {
        return new OpcUaConfig(null, null, null, null, null);
    }

    /** True when {@code bind} is a loopback address (a name is resolved once). */
    public boolean loopback() {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A copy with its files resolved by {@code resolve} (relative to the config file's folder). */
    public OpcUaConfig withFiles(java.util.function.UnaryOperator<String> resolve) {
        return new OpcUaConfig(enabled, bind, port, stateDir, usersFile == null ? null : resolve.apply(usersFile));
    }
}
