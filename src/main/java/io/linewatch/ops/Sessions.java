package io.linewatch.ops;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's login sessions, for browsers that log in with the form at {@code /login} and out
 * with {@code POST /logout} (HTTP Basic cannot log out). A session is a random 256-bit token in the
 * cookie {@link #COOKIE} ({@code HttpOnly}, {@code SameSite=Strict}, {@code Secure} over TLS), held
 * here in memory: a restart logs everyone out. It lasts {@link #MAX_AGE_SECONDS} from its login; at
 * most {@link #MAX_SESSIONS} at once (the one that ends soonest goes first). Any thread.
 */
final class Sessions {

    static final String COOKIE = "lw_session";
    static final long MAX_AGE_SECONDS = 12 * 3600;
    static final int MAX_SESSIONS = 1024;

    private record Session(Users.User user, long endsAtMillis) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** Opens a session for {@code user}; returns its token. */
    synchronized String open(Users.User user) {
        long now = System.currentTimeMillis();
        sessions.values().removeIf(s -> s.endsAtMillis() <= now);
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(Map.Entry.comparingByValue(
                    java.util.Comparator.comparingLong(Session::endsAtMillis))).ifPresent(e -> sessions.remove(e.getKey()));
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        sessions.put(token, new Session(user, now + MAX_AGE_SECONDS * 1000));
        return token;
    }

    /** The user of a live session, or null. */
    Users.User user(String token) {
        Session s = token == null ? null : sessions.get(token);
        if (s == null) {
            return null;
        }
        if (s.endsAtMillis() <= System.currentTimeMillis()) {
            sessions.remove(token);
            return null;
        }
        return s.user();
    }

    /** Ends the session (nothing when there is none). */
    void close(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }

    /** The session token of a {@code Cookie} header's value, or null. */
    static String token(String cookieHeader) {
        if (cookieHeader == null) {
            return null;
        }
        for (String part : cookieHeader.split(";")) {
            String p = part.strip();
            if (p.startsWith(COOKIE + "=")) {
                return p.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }

    /** The {@code Set-Cookie} value carrying {@code token} ({@code null}: one that deletes the cookie). */
    static String cookie(String token, boolean secure) {
        return COOKIE + "=" + (token == null ? "" : token) + "; Path=/; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "") + "; Max-Age=" + (token == null ? 0 : MAX_AGE_SECONDS);
    }
}
