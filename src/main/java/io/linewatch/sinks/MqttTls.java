package io.linewatch.sinks;

import io.linewatch.config.TlsConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the TLS socket factory for the broker from PEM files: the CA certificates to trust and,
 * when the broker asks for one, a client certificate with its PKCS#8 private key. Every failure is
 * one line naming the file.
 */
final class MqttTls {

    private static final char[] NO_PASSWORD = new char[0];

    private MqttTls() {
    }

    static SSLSocketFactory socketFactory(TlsConfig tls) throws SinkException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(tls), trustManagers(tls), new SecureRandom());
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new SinkException("mqtt tls: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(TlsConfig tls) throws SinkException, GeneralSecurityException {
        if (tls.caFile().isEmpty()) {
            return null;
        }
        KeyStore store = emptyStore();
        int i = 0;
        for (Certificate cert : certificates(tls.caFile())) {
            store.setCertificateEntry("ca" + i++, cert);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf.getTrustManagers();
    }

    private static KeyManager[] keyManagers(TlsConfig tls) throws SinkException, GeneralSecurityException {
        if (!tls.hasClientCertificate()) {
            return null;
        }
        Certificate[] chain = certificates(tls.certFile()).toArray(Certificate[]::new);
        KeyStore store = emptyStore();
        store.setKeyEntry("client", privateKey(tls.keyFile()), NO_PASSWORD, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, NO_PASSWORD);
        return kmf.getKeyManagers();
    }

    private static Collection<? extends Certificate> certificates(String file) throws SinkException {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(read(file)));
            if (certs.isEmpty()) {
                throw new SinkException("mqtt tls: " + file + ": no PEM certificate in the file", null);
            }
            return certs;
        } catch (GeneralSecurityException e) {
            throw new SinkException("mqtt tls: " + file + ": not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String file) throws SinkException {
        String pem = new String(read(file), StandardCharsets.US_ASCII);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new SinkException("mqtt tls: " + file + ": expected an unencrypted PKCS#8 key (BEGIN PRIVATE KEY);"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out " + file, null);
        }
        String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"))
                .replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec;
        try {
            spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            throw new SinkException("mqtt tls: " + file + ": the key is not valid base64", e);
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new SinkException("mqtt tls: " + file + ": not an RSA, EC or Ed25519 private key", null);
    }

    private static byte[] read(String file) throws SinkException {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new SinkException("mqtt tls: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }
}
