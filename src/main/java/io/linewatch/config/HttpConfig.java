package io.linewatch.config;

/**
 * The daemon's local HTTP endpoint: {@code /healthz}, {@code /readyz} and {@code /metrics}
 * (Prometheus text format).
 *
 * @param bind address to listen on; loopback by default
 * @param port TCP port; 0 (the default) switches the endpoint off
 */
public record HttpConfig(String bind, Integer port) {

    public HttpConfig {
        bind = bind == null ? "127.0.0.1" : bind;
        port = port == null ? 0 : port;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (off) or 1..65535, got " + port);
        }
    }

    static HttpConfig defaults() {
        return new HttpConfig(null, null);
    }

    public boolean enabled() {
        return port > 0;
    }
}
