package io.linewatch.ops;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends systemd notifications ({@code READY=1}, {@code WATCHDOG=1}, {@code STATUS=...},
 * {@code STOPPING=1}) to the datagram socket named by {@code NOTIFY_SOCKET}, as sd_notify(3) does.
 * Without that variable (not started by systemd with {@code Type=notify}) it does nothing. Owns
 * one socket; thread-safe.
 */
public final class SystemdNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MAX_PATH_BYTES = 107;

    /** The three libc calls it needs (64-bit Linux: {@code size_t} is a Java long). */
    private interface LibC extends Library {
        int socket(int domain, int type, int protocol);

        long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen);

        int close(int fd);
    }

    private final LibC libc;
    private final byte[] address;
    private int fd;

    private SystemdNotifier(LibC libc, byte[] address, int fd) {
        this.libc = libc;
        this.address = address;
        this.fd = fd;
    }

    /** A notifier for {@code NOTIFY_SOCKET}, or one that does nothing when it is unset or unusable. */
    public static SystemdNotifier fromEnvironment() {
        String socket = System.getenv("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return new SystemdNotifier(null, null, -1);
        }
        byte[] address = sockaddr(socket);
        if (address == null) {
            LOG.warn("systemd: NOTIFY_SOCKET {} is not a Unix socket path; not notifying", socket);
            return new SystemdNotifier(null, null, -1);
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            int fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                LOG.warn("systemd: cannot open a socket for NOTIFY_SOCKET (errno {}); not notifying", Native.getLastError());
                return new SystemdNotifier(null, null, -1);
            }
            return new SystemdNotifier(libc, address, fd);
        } catch (UnsatisfiedLinkError e) {
            LOG.warn("systemd: cannot load libc through JNA ({}); not notifying", e.getMessage());
            return new SystemdNotifier(null, null, -1);
        }
    }

    /** True when notifications go somewhere. */
    public boolean enabled() {
        return libc != null;
    }

    /** Sends one notification, e.g. {@code "READY=1\nSTATUS=..."}; false when it could not be sent. */
    public synchronized boolean notify(String state) {
        if (libc == null || fd < 0) {
            return false;
        }
        byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
        long sent = libc.sendto(fd, bytes, bytes.length, MSG_NOSIGNAL, address, address.length);
        if (sent < 0) {
            LOG.debug("systemd: sd_notify failed (errno {})", Native.getLastError());
            return false;
        }
        return true;
    }

    @Override
    public synchronized void close() {
        if (libc != null && fd >= 0) {
            libc.close(fd);
            fd = -1;
        }
    }

    /** {@code struct sockaddr_un} for a path, or for an abstract name given as {@code @name}. */
    static byte[] sockaddr(String socket) {
        boolean abstractName = socket.startsWith("@");
        if (!abstractName && !socket.startsWith("/")) {
            return null;
        }
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        if (path.length > MAX_PATH_BYTES) {
            return null;
        }
        // sun_family (native byte order, little-endian on our platforms), then the path; an
        // abstract name starts with a NUL byte instead of '@' and has no terminating NUL.
        byte[] addr = new byte[2 + path.length + (abstractName ? 0 : 1)];
        addr[0] = (byte) AF_UNIX;
        System.arraycopy(path, 0, addr, 2, path.length);
        if (abstractName) {
            addr[2] = 0;
        }
        return addr;
    }
}
