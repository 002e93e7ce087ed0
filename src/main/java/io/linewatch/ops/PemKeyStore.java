package io.linewatch.ops;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** The HTTP server's key store, made from a PEM certificate chain and its unencrypted PKCS#8 key. */
final class PemKeyStore {

    static final char[] NO_PASSWORD = new char[0];
    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private PemKeyStore() {
    }

    /** The key store holding the key and chain; every failure is one line naming the file. */
    static KeyStore load(String certFile, String keyFile) throws IOException {
        try {
            Certificate[] chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Path.of(certFile))))
                    .toArray(Certificate[]::new);
            if (chain.length == 0) {
                throw new IOException("http tls: " + certFile + ": no PEM certificate in the file");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey(keyFile), NO_PASSWORD, chain);
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException("http tls: " + certFile + ": not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String file) throws IOException {
        String pem = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IOException("http tls: " + file + ": expected an unencrypted PKCS#8 key (BEGIN PRIVATE KEY);"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out " + file);
        }
        PKCS8EncodedKeySpec spec;
        try {
            spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end)));
        } catch (IllegalArgumentException e) {
            throw new IOException("http tls: " + file + ": the key is not valid base64", e);
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new IOException("http tls: " + file + ": not an RSA, EC or Ed25519 private key");
    }
}
