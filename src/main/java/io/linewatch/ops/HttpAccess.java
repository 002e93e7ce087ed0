package io.linewatch.ops;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Who may do what, before any handler runs, on Jetty's request threads. {@code /healthz},
 * {@code /readyz} and {@code /metrics} answer anyone. With users, every other request needs HTTP
 * Basic credentials of one of them (401 otherwise) and a write ({@code POST}: reload, acknowledge)
 * needs an operator or admin (403 for a viewer). Without users (loopback only, see the config's
 * validation) everyone is admin. Cross-site writes are refused either way (403): a browser names the
 * page a request comes from in {@code Origin} and {@code Sec-Fetch-Site}, and a write from another
 * site's page is a forgery; clients that are not browsers send neither. Browsers may log in with the
 * form at {@code /login} instead of Basic: a session cookie ({@link Sessions}), ended by
 * {@code POST /logout}. The user and role go to the handlers as request attributes {@link #USER} and
 * {@link #ROLE}, and {@link #SESSION} says whether a session cookie brought them.
 */
final class HttpAccess extends Handler.Wrapper {

    /** Request attribute: the user's name ("" without users). */
    static final String USER = "linewatch.user";
    /** Request attribute: the user's role, as its label ({@code viewer}, {@code operator}, {@code admin}). */
    static final String ROLE = "linewatch.role";
    /** Request attribute: true when the user came with a session cookie (the page offers a logout). */
    static final String SESSION = "linewatch.session";
    /** The most bytes a login form may post. */
    private static final int MAX_FORM_BYTES = 4096;
    /** A refused request's body up to this size is read and dropped before the answer; a larger one closes the connection. */
    private static final int DRAIN_BYTES = 64 * 1024;
    private static final Set<String> OPEN = Set.of("/healthz", "/readyz", "/metrics");
    private static final String REALM = "Basic realm=\"linewatch\", charset=\"UTF-8\"";

    private final Users users;
    private final Sessions sessions = new Sessions();

    /** @param users who may come in, or null to let everyone in as admin */
    HttpAccess(Handler next, Users users) {
        super(next);
        this.users = users;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        boolean write = !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod());
        if (OPEN.contains(path) && !write) {
            return super.handle(request, response, callback);
        }
        if (write && crossSite(request)) {
            refuse(request, response, callback, 403, "refused: a write from another site's page (Origin "
                    + request.getHeaders().get(HttpHeader.ORIGIN) + ")\n");
            return true;
        }
        if (users != null && path.equals("/login")) {
            login(request, response, callback, write);
            return true;
        }
        String token = Sessions.token(request.getHeaders().get(HttpHeader.COOKIE));
        if (users != null && path.equals("/logout") && write) {
            sessions.close(token);
            response.getHeaders().put(HttpHeader.SET_COOKIE, Sessions.cookie(null, request.isSecure()));
            redirect(response, callback, "/login");
            return true;
        }
        Users.User basic = users == null ? new Users.User("", Users.Role.ADMIN, "") : user(request);
        Users.User user = basic != null ? basic : sessions.user(token);
        if (user == null) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, REALM);
            refuse(request, response, callback, 401, "unauthorized: a user of the console's users file is needed (HTTP Basic, or log in at /login)\n");
            return true;
        }
        if (write && !user.role().writes()) {
            refuse(request, response, callback, 403, "forbidden: user " + user.name() + " is a viewer; "
                    + request.getMethod() + " " + path + " needs an operator or admin\n");
            return true;
        }
        request.setAttribute(USER, user.name());
        request.setAttribute(ROLE, user.role().label());
        request.setAttribute(SESSION, basic == null);
        return super.handle(request, response, callback);
    }

    /** {@code GET /login}: the form; {@code POST /login}: checks it, and opens a session (303 to the page). */
    private void login(Request request, Response response, Callback callback, boolean post) throws Exception {
        if (!post) {
            reply(response, callback, 200, "text/html; charset=utf-8", LoginPage.html(false));
            return;
        }
        long length = request.getLength();
        if (length < 0 || length > MAX_FORM_BYTES) {
            refuse(request, response, callback, 413, "a login form is at most " + MAX_FORM_BYTES
                    + " bytes, with its Content-Length\n");
            return;
        }
        Map<String, String> form = form(Content.Source.asString(request, StandardCharsets.UTF_8));
        Users.User user = users.authenticate(form.getOrDefault("user", ""), form.getOrDefault("password", ""));
        if (user == null) {
            reply(response, callback, 401, "text/html; charset=utf-8", LoginPage.html(true));
            return;
        }
        response.getHeaders().put(HttpHeader.SET_COOKIE, Sessions.cookie(sessions.open(user), request.isSecure()));
        redirect(response, callback, "/");
    }

    /**
     * A refusal (401, 403, 413) that leaves the connection usable: a body sent with the request is read
     * and dropped first (up to {@link #DRAIN_BYTES}); a larger or unknown one gets {@code Connection:
     * close}. Otherwise the server closes the connection on the unread bytes after the answer, and a
     * client that reuses it for its next request loses that one.
     */
    private static void refuse(Request request, Response response, Callback callback, int status, String body)
            throws java.io.IOException {
        long length = request.getLength();
        if (length > 0 && length <= DRAIN_BYTES) {
            Content.Source.consumeAll(request);
        } else if (length > DRAIN_BYTES || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        OpsServer.reply(response, callback, status, body);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // a malformed field is left out
                }
            }
        }
        return fields;
    }

    private static void redirect(Response response, Callback callback, String location) {
        response.setStatus(303);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, "", callback);
    }

    private static void reply(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, body, callback);
    }

    /** The user named by valid Basic credentials, or null. */
    private Users.User user(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = pair.indexOf(':');
        return colon < 0 ? null : users.authenticate(pair.substring(0, colon), pair.substring(colon + 1));
    }

    /** True when a browser says the request comes from another site's page. */
    static boolean crossSite(Request request) {
        String site = request.getHeaders().get("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return true;
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return false;
        }
        HttpURI uri = request.getHttpURI();
        return !origin.equalsIgnoreCase(uri.getScheme() + "://" + uri.getAuthority());
    }
}
