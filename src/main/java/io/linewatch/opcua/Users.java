package io.linewatch.opcua;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The OPC UA users: {@code opcua.users_file}, the console's format, one {@code name:role:bcrypt-hash}
 * a line as {@code linewatch passwd} writes it ({@code #} comments and blank lines skipped), read once
 * at start. The role decides the write actions: only an {@code operator} or {@code admin} may
 * acknowledge an alarm. A password in the clear is refused: only its bcrypt hash may
 * be stored. Checks run on the server's session threads; bcrypt takes as long for an unknown name.
 */
final class Users {

    private static final String DUMMY_HASH = BCrypt.hashpw("linewatch", BCrypt.gensalt(12));

    private static final List<String> ROLES = List.of("viewer", "operator", "admin");

    private final Map<String, String> hashes;
    private final Map<String, String> roles;

    private Users(Map<String, String> hashes, Map<String, String> roles) {
        this.hashes = hashes;
        this.roles = roles;
    }

    static Users none() {
        return new Users(Map.of(), Map.of());
    }

    /** Reads {@code file}; a missing file, a bad line or a plaintext password is one line naming the file and line. */
    static Users read(Path file) throws OpcUaStartException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new OpcUaStartException("opcua.users_file: " + file + ": no such file");
        } catch (IOException e) {
            throw new OpcUaStartException("opcua.users_file: " + file + ": cannot read: " + e.getMessage());
        }
        Map<String, String> users = new LinkedHashMap<>();
        Map<String, String> roles = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String at = "opcua.users_file: " + file + ":" + (i + 1) + ": ";
            String[] parts = line.split(":", 3);
            if (parts.length < 2 || parts[0].isEmpty()) {
                throw new OpcUaStartException(at + "expected name:role:bcrypt-hash (linewatch passwd writes it)");
            }
            String hash = parts[parts.length - 1];
            if (parts.length != 3 || !hash.matches("\\$2[aby]?\\$\\d\\d\\$.{53}")) {
                throw new OpcUaStartException(at + "user '" + parts[0] + "' has a password in the clear; store its"
                        + " bcrypt hash: linewatch passwd --users " + file + " " + parts[0]);
            }
            if (!ROLES.contains(parts[1])) {
                throw new OpcUaStartException(at + "user '" + parts[0] + "' has role '" + parts[1] + "'; expected one of "
                        + String.join(", ", ROLES));
            }
            roles.put(parts[0], parts[1]);
            if (users.put(parts[0], hash) != null) {
                throw new OpcUaStartException(at + "user '" + parts[0] + "' is listed twice");
            }
        }
        if (users.isEmpty()) {
            throw new OpcUaStartException("opcua.users_file: " + file + ": no users in it");
        }
        return new Users(users, roles);
    }

    /**
     * True when {@code name} (null: an anonymous session) may acknowledge alarms: an operator or admin
     * of the file; anyone when there is no file (anonymous sessions are then bound to loopback).
     */
    boolean mayAcknowledge(String name) {
        if (hashes.isEmpty()) {
            return true;
        }
        String role = name == null ? null : roles.get(name);
        return "operator".equals(role) || "admin".equals(role);
    }

    boolean check(String name, String password) {
        String hash = name == null ? null : hashes.get(name);
        if (hash == null || password == null) {
            BCrypt.checkpw(password == null ? "" : password, DUMMY_HASH); // as long as for a wrong password
            return false;
        }
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
