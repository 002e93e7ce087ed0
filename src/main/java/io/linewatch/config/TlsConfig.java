package io.linewatch.config;

import java.util.function.UnaryOperator;

/**
 * TLS towards the broker (used with {@code ssl://} URLs). PEM files, relative to the config file's
 * folder.
 *
 * @param caFile   CA certificates to trust; empty means the JVM's default trust store
 * @param certFile client certificate chain, for brokers that require one; empty for none
 * @param keyFile  the client certificate's private key, unencrypted PKCS#8
 *                 ({@code -----BEGIN PRIVATE KEY-----})
 */
public record TlsConfig(String caFile, String certFile, String keyFile) {

    public TlsConfig {
        caFile = caFile == null ? "" : caFile;
        certFile = certFile == null ? "" : certFile;
        keyFile = keyFile == null ? "" : keyFile;
        if (certFile.isEmpty() != keyFile.isEmpty()) {
            throw new IllegalArgumentException("cert_file and key_file go together");
        }
    }

    static TlsConfig defaults() {
        return new TlsConfig(null, null, null);
    }

    TlsConfig withFiles(UnaryOperator<String> resolver) {
        return new TlsConfig(MqttConfig.resolveOrEmpty(resolver, caFile), MqttConfig.resolveOrEmpty(resolver, certFile),
                MqttConfig.resolveOrEmpty(resolver, keyFile));
    }

    /** True when a client certificate is configured. */
    public boolean hasClientCertificate() {
        return !certFile.isEmpty();
    }
}
