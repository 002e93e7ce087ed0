package io.linewatch.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.UnaryOperator;

/**
 * The daemon's HTTP endpoint: {@code /healthz}, {@code /readyz}, {@code /metrics} (Prometheus text
 * format), {@code POST /reload} and, when asked for, the browser console.
 *
 * @param bind    address to listen on; loopback by default
 * @param port    TCP port; 0 (the default) switches the endpoint off
 * @param console true to serve the browser console at {@code /}
 * @param users   the users file ({@code linewatch passwd} writes it), relative to the config file's
 *                folder; empty for none (then only a loopback address may be bound)
 * @param tls     the server's PEM certificate chain ({@code cert_file}) and unencrypted PKCS#8 key
 *                ({@code key_file}); {@code ca_file} is not used here; empty files for plain HTTP
 */
public record HttpConfig(String bind, Integer port, Boolean console, String users, TlsConfig tls) {

    public HttpConfig {
        bind = bind == null ? "127.0.0.1" : bind;
        port = port == null ? 0 : port;
        console = console != null && console;
        users = users == null ? "" : users;
        tls = tls == null ? TlsConfig.defaults() : tls;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (off) or 1..65535, got " + port);
        }
    }

    /** The endpoint without console, users or TLS. */
    public HttpConfig(String bind, Integer port) {
        this(bind, port, null, null, null);
    }

    static HttpConfig defaults() {
        return new HttpConfig(null, null);
    }

    public boolean enabled() {
        return port > 0;
    }

    /** True when requests are served over TLS. */
    public boolean secure() {
        return tls.hasClientCertificate();
    }

    /** True when a users file asks every console and {@code /reload} request to authenticate. */
    public boolean authenticated() {
        return !users.isEmpty();
    }

    /** True when {@link #bind} is a loopback address (or a name for one), reachable from this host only. */
    public boolean loopbackOnly() {
        try {
            for (InetAddress a : InetAddress.getAllByName(bind)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    HttpConfig withFiles(UnaryOperator<String> resolver) {
        return new HttpConfig(bind, port, console, MqttConfig.resolveOrEmpty(resolver, users), tls.withFiles(resolver));
    }
}
