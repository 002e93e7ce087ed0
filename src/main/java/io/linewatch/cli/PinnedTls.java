package io.linewatch.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to the daemon's own port, trusting the certificates of its {@code http.tls.cert_file} (the
 * file the daemon serves): the chain is accepted when its leaf is one of them, and so is the host
 * name the command connects to (the configured certificate is pinned, whatever names it carries);
 * any other certificate must pass the usual checks against those certificates and its names.
 */
final class PinnedTls {

    private final List<Certificate> pinned;
    private final SSLContext context;

    private PinnedTls(List<Certificate> pinned, SSLContext context) {
        this.pinned = pinned;
        this.context = context;
    }

    /** The certificates of {@code certFile} (PEM); a failure is one line naming the file. */
    static PinnedTls trusting(Path certFile) {
        try {
            List<Certificate> certs = List.copyOf(java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile))));
            if (certs.isEmpty()) {
                throw new CliException(Main.EXIT_CONFIG, certFile + ": http.tls.cert_file: no PEM certificate in the file");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certs.size(); i++) {
                store.setCertificateEntry("daemon-" + i, certs.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return new PinnedTls(certs, context);
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException(Main.EXIT_CONFIG, certFile + ": http.tls.cert_file: cannot read it: " + e.getMessage());
        }
    }

    /** Sets this TLS on {@code connection}. */
    void apply(HttpsURLConnection connection) {
        connection.setSSLSocketFactory(context.getSocketFactory());
        HostnameVerifier usual = HttpsURLConnection.getDefaultHostnameVerifier();
        connection.setHostnameVerifier((host, session) -> {
            try {
                return pinned.contains(session.getPeerCertificates()[0]) || usual.verify(host, session);
            } catch (SSLPeerUnverifiedException e) {
                return false;
            }
        });
    }
}
