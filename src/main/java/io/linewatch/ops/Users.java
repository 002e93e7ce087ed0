package io.linewatch.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The console's users: one line each in a users file, {@code name:role:bcrypt-hash} ({@code #}
 * starts a comment), written by {@code linewatch passwd}. Hashes are bcrypt (cost 12) from Spring
 * Security's crypto module. A password checked once is remembered by its SHA-256 until it fails, so
 * that a browser sending HTTP Basic with every picture does not pay bcrypt each time. Any thread.
 */
public final class Users {

    /** What a user may do: viewers look; operators and admins also reload and acknowledge. */
    public enum Role {
        VIEWER, OPERATOR, ADMIN;

        /** True for the roles that may change something (reload, acknowledge). */
        public boolean writes() {
            return this != VIEWER;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A user with the hash of their password. */
    public record User(String name, Role role, String hash) {
    }

    private static final int BCRYPT_COST = 12;
    private static final String DUMMY_HASH = BCrypt.hashpw("linewatch", BCrypt.gensalt(BCRYPT_COST));

    private final Map<String, User> users;
    private final Map<String, String> verified = new ConcurrentHashMap<>();

    private Users(Map<String, User> users) {
        this.users = users;
    }

    /** Reads a users file, or fails with one line naming the file and line. */
    public static Users load(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such users file (linewatch passwd writes one)", e);
        }
        Map<String, User> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(":", 3);
            if (parts.length != 3 || !parts[2].startsWith("$2")) {
                throw new IOException(file + ": line " + (i + 1) + ": expected name:role:bcrypt-hash");
            }
            users.put(parts[0], new User(parts[0], role(file, i + 1, parts[1]), parts[2]));
        }
        if (users.isEmpty()) {
            throw new IOException(file + ": no users (linewatch passwd adds one)");
        }
        return new Users(users);
    }

    private static Role role(Path file, int line, String role) throws IOException {
        try {
            return Role.valueOf(role.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": line " + line + ": role '" + role + "' is not viewer, operator or admin");
        }
    }

    /** The user {@code name} when {@code password} is theirs; else null. */
    public User authenticate(String name, String password) {
        User user = users.get(name);
        if (user == null) {
            BCrypt.checkpw(password, DUMMY_HASH); // the same time for an unknown name as for a wrong password
            return null;
        }
        String digest = sha256(name + '\0' + password);
        if (digest.equals(verified.get(name))) {
            return user;
        }
        if (!checks(password, user.hash())) {
            verified.remove(name);
            return null;
        }
        verified.put(name, digest);
        return user;
    }

    /**
     * Adds or replaces user {@code name} in {@code file} (created when absent), keeping the other
     * lines; the file is replaced whole and readable by its owner only.
     */
    public static void put(Path file, String name, Role role, String password) throws IOException {
        if (!name.matches("[A-Za-z0-9_.@-]+")) {
            throw new IOException("user name '" + name + "' may hold only letters, digits, '_', '.', '@' and '-'");
        }
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.strip().startsWith(name + ":")) {
                    kept.add(line);
                }
            }
        }
        kept.add(name + ":" + role.label() + ":" + BCrypt.hashpw(password, BCrypt.gensalt(BCRYPT_COST)));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** True when {@code password} has {@code hash}; false for a malformed hash too. */
    private static boolean checks(String password, String hash) {
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
