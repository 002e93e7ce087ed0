package io.linewatch.opcua;

import io.linewatch.config.LinewatchConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.util.HostnameUtil;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.KeyStoreCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;

/**
 * The server's certificates and who may connect, all under {@code opcua.state_dir}:
 *
 * <pre>
 * server.pfx, server.pfx.pass   the application instance certificate and key, made on first start
 * pki/trusted/certs/            client certificates the admin trusts (DER files)
 * pki/rejected/certs/           certificates of clients that were refused, for the admin to move
 * pki/issuer/                   CA certificates (and CRLs) of trusted issuers
 * </pre>
 *
 * The trust list is re-read when its folders change. Users: {@link Users}; anonymous sessions only
 * when the server is bound to loopback.
 */
final class ServerSecurity implements AutoCloseable {

    private final FileBasedTrustListManager trustList;
    private final KeyStoreCertificateStore store;
    private final CertificateManager certificates;
    private final X509Certificate certificate;
    private final String applicationUri;

    private ServerSecurity(FileBasedTrustListManager trustList, KeyStoreCertificateStore store,
                           CertificateManager certificates, X509Certificate certificate, String applicationUri) {
        this.trustList = trustList;
        this.store = store;
        this.certificates = certificates;
        this.certificate = certificate;
        this.applicationUri = applicationUri;
    }

    /** Opens (on first start: makes) the certificate and trust list under {@code dir}. */
    static ServerSecurity open(Path dir, LinewatchConfig config) throws OpcUaStartException {
        try {
            Files.createDirectories(dir);
            Path pki = dir.resolve("pki");
            FileBasedTrustListManager trustList = FileBasedTrustListManager.createAndInitialize(pki);
            var quarantine = FileBasedCertificateQuarantine.create(pki.resolve("rejected").resolve("certs"));
            char[] password = keyStorePassword(dir.resolve("server.pfx.pass"));
            var store = KeyStoreCertificateStore.createAndInitialize(new KeyStoreCertificateStore.Settings(
                    dir.resolve("server.pfx"), () -> password, alias -> password));
            String uri = "urn:linewatch:" + config.site() + ":" + config.node();
            var group = DefaultApplicationGroup.createAndInitialize(trustList, store, factory(uri, config),
                    new DefaultServerCertificateValidator(trustList, quarantine));
            X509Certificate certificate = store.get(NodeIds.RsaSha256ApplicationCertificateType).certificateChain[0];
            String applicationUri = CertificateUtil.getSanUri(certificate).orElse(uri);
            return new ServerSecurity(trustList, store, new DefaultCertificateManager(quarantine, group), certificate,
                    applicationUri);
        } catch (Exception e) {
            throw new OpcUaStartException("opcua.state_dir: " + dir + ": cannot open the server's certificate or"
                    + " trust list: " + e.getMessage(), e);
        }
    }

    /** The key store's password: random, made on first start, readable by the daemon's user only. */
    private static char[] keyStorePassword(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Files.writeString(file, Base64.getEncoder().encodeToString(random), StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: left as created
            }
        }
        return Files.readString(file, StandardCharsets.US_ASCII).strip().toCharArray();
    }

    private static RsaSha256CertificateFactory factory(String uri, LinewatchConfig config) {
        return new RsaSha256CertificateFactory() {
            @Override
            protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair) throws Exception {
                SelfSignedCertificateBuilder builder = new SelfSignedCertificateBuilder(keyPair)
                        .setCommonName("linewatch " + config.site() + " " + config.node())
                        .setOrganization("linewatch")
                        .setApplicationUri(uri)
                        .addDnsName("localhost")
                        .addIpAddress("127.0.0.1");
                String host = HostnameUtil.getHostname();
                if (host != null && !host.isBlank() && !"localhost".equals(host)) {
                    builder.addDnsName(host);
                }
                return new X509Certificate[] {builder.build()};
            }
        };
    }

    /** Usernames of {@code users}, and anonymous too when {@code loopback}. */
    static IdentityValidator identities(Users users, boolean loopback) {
        var named = new UsernameIdentityValidator(c -> users.check(c.getUsername(), c.getPassword()));
        return loopback ? new CompositeValidator(AnonymousIdentityValidator.INSTANCE, named) : named;
    }

    CertificateManager certificates() {
        return certificates;
    }

    X509Certificate certificate() {
        return certificate;
    }

    String applicationUri() {
        return applicationUri;
    }

    @Override
    public void close() throws IOException {
        trustList.close();
        store.close();
    }
}
