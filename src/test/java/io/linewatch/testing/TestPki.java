package io.linewatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority made with the openssl command line: a CA, a server certificate
 * for 127.0.0.1 and a client certificate, all with PKCS#8 EC keys. {@code .ci/run} installs openssl.
 */
public final class TestPki {

    public final Path ca;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;

    private TestPki(Path dir) {
        ca = dir.resolve("ca.pem");
        serverCert = dir.resolve("server.pem");
        serverKey = dir.resolve("server-key.pem");
        clientCert = dir.resolve("client.pem");
        clientKey = dir.resolve("client-key.pem");
    }

    public static TestPki create(Path dir) throws IOException, InterruptedException {
        return create(dir, "IP:127.0.0.1,DNS:localhost");
    }

    /** A CA whose server certificate names {@code serverNames} (openssl subjectAltName syntax) instead. */
    public static TestPki create(Path dir, String serverNames) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestPki pki = new TestPki(dir);
        Path caKey = dir.resolve("ca-key.pem");
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", caKey.toString(), "-out", pki.ca.toString(), "-days", "2", "-subj", "/CN=linewatch-test-ca");
        Path ext = Files.writeString(dir.resolve("server.ext"), "subjectAltName=" + serverNames + "\n");
        pki.sign(dir, "server", "localhost", pki.serverKey, pki.serverCert, caKey, ext);
        Path clientExt = Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        pki.sign(dir, "client", "linewatch", pki.clientKey, pki.clientCert, caKey, clientExt);
        return pki;
    }

    private void sign(Path dir, String name, String cn, Path key, Path cert, Path caKey, Path ext)
            throws IOException, InterruptedException {
        Path csr = dir.resolve(name + ".csr");
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn);
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    /** Writes a Mosquitto password file with one user, made by {@code mosquitto_passwd}. */
    public static Path passwordFile(Path dir, String user, String password) throws IOException, InterruptedException {
        Path file = dir.resolve("mosquitto.passwd");
        Process p = new ProcessBuilder("mosquitto_passwd", "-b", "-c", file.toString(), user, password)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("mosquitto_passwd failed: " + out);
        }
        return file;
    }
}
