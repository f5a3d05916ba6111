package org.openmcim.pki;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;

/**
 * Rotates the TLS 1.3 session-ticket keys of one OpenSSL server context (RFC 8446 §4.6.1, §8): every
 * {@code period} a fresh random key starts encrypting new tickets and the one before it is kept only
 * to decrypt tickets it issued, so a ticket resumes for at most two periods and a key that leaked
 * (a memory dump) opens nothing older than that. The context's session lifetime, sent to clients as
 * {@code ticket_lifetime}, is one period: a client does not offer a ticket the listener may already
 * have forgotten. Keys are random per listener and never leave the process, so a restarted service
 * and its clients make one full handshake, as before. The JDK stack manages its own ticket keys
 * (JSSE rotates them itself), so this applies to OpenSSL contexts only.
 */
public final class TicketKeyRotation {
    /** The rotation period when a listener is not told otherwise. */
    public static final Duration DEFAULT_PERIOD = Duration.ofHours(1);

    private final OpenSslServerSessionContext context;
    private final SecureRandom random = new SecureRandom();
    private final Duration period;
    private OpenSslSessionTicketKey current;
    private long rotations;

    private TicketKeyRotation(OpenSslServerSessionContext context, Duration period) {
        this.context = context;
        this.period = period;
        context.setSessionTimeout((int) Math.max(1, period.toSeconds()));
        this.current = fresh();
        context.setTicketKeys(current);
    }

    /**
     * Takes over the ticket keys of {@code tls} (a server context on OpenSSL; empty otherwise) with a
     * fresh key; call {@link #rotate()} every {@link #period()}.
     */
    public static Optional<TicketKeyRotation> of(SslContext tls, Duration period) {
        if (period.isZero() || period.isNegative() || period.compareTo(Duration.ofDays(7)) > 0) {
            // RFC 8446 §4.6.1: ticket_lifetime must not exceed 7 days.
            throw new IllegalArgumentException("ticket key rotation period must be positive and at most 7 days");
        }
        if (tls == null || !tls.isServer() || !(tls.sessionContext() instanceof OpenSslServerSessionContext ctx)) {
            return Optional.empty();
        }
        return Optional.of(new TicketKeyRotation(ctx, period));
    }

    public Duration period() {
        return period;
    }

    /** A fresh key encrypts from now on; the previous one still decrypts; the one before is gone. */
    public synchronized void rotate() {
        OpenSslSessionTicketKey previous = current;
        current = fresh();
        context.setTicketKeys(current, previous);
        rotations++;
    }

    public synchronized long rotations() {
        return rotations;
    }

    private OpenSslSessionTicketKey fresh() {
        return randomKey(random);
    }

    /** A ticket key of random name, HMAC and AES keys (16 bytes each, as netty-tcnative takes them). */
    static OpenSslSessionTicketKey randomKey(SecureRandom random) {
        byte[] name = new byte[16];
        byte[] hmac = new byte[16];
        byte[] aes = new byte[16];
        random.nextBytes(name);
        random.nextBytes(hmac);
        random.nextBytes(aes);
        return new OpenSslSessionTicketKey(name, hmac, aes);
    }
}
