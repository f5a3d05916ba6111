package org.openmcim.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One device's HTTPS client for the provisioning load tool: blocking HTTP/1.1 over a JDK
 * {@link SSLSocket}, so the tool decides exactly when a TCP connection and a TLS handshake happen
 * (the JDK's {@code HttpClient} pools connections behind the caller's back).
 *
 * <p>Each device has its own {@link SSLContext}, hence its own client session cache, as a real
 * device would. With {@code resume} the cache keeps the TLS 1.3 tickets the servers send after a
 * handshake (RFC 8446 §4.6.1), and the next connection to the same host and port resumes with a PSK
 * (RFC 8446 §2.2: no certificate, no signature; still an ECDHE exchange, psk_dhe_ke). Without it the
 * session is invalidated when the connection closes — in the JDK that also drops the ticket copies
 * made from it — so every connection is a full handshake.
 */
final class DeviceHttps {
    /** An answer: status and body. */
    record Answer(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final SSLContext tls;
    private final boolean resume;

    DeviceHttps(SSLContext tls, boolean resume) {
        this.tls = tls;
        this.resume = resume;
    }

    /** Opens a TCP connection and completes the TLS handshake, checking the server's name (RFC 6125). */
    Connection open(URI base) throws IOException {
        int port = base.getPort() < 0 ? 443 : base.getPort();
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(base.getHost(), port);
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(30_000);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            return new Connection(s, base.getHost() + ":" + port);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** One connection: requests in sequence (keep-alive), then {@link #close()}. */
    final class Connection implements AutoCloseable {
        private final SSLSocket socket;
        private final String host;
        private final InputStream in;
        private final OutputStream out;

        private Connection(SSLSocket socket, String host) throws IOException {
            this.socket = socket;
            this.host = host;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = socket.getOutputStream();
        }

        Answer post(String path, byte[] json, boolean last) throws IOException {
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + json.length + "\r\n" + (last ? "Connection: close\r\n" : "") + "\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] req = new byte[h.length + json.length];
            System.arraycopy(h, 0, req, 0, h.length);
            System.arraycopy(json, 0, req, h.length, json.length);
            out.write(req);
            out.flush();
            return read();
        }

        Answer get(String pathAndQuery, boolean last) throws IOException {
            String head = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\n" + (last ? "Connection: close\r\n" : "") + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read();
        }

        /** Status line, headers, then exactly Content-Length octets (the services always send it). */
        private Answer read() throws IOException {
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("not an HTTP/1.1 answer: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            int length = -1;
            for (String l = line(); !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                if (colon > 0 && l.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                    length = Integer.parseInt(l.substring(colon + 1).trim());
                }
            }
            if (length < 0 || length > 1 << 20) {
                throw new IOException("answer without a usable Content-Length");
            }
            byte[] body = in.readNBytes(length);
            if (body.length != length) {
                throw new IOException("connection closed inside the body");
            }
            return new Answer(code, body);
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed inside the header");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
                if (b.length() > 8192) {
                    throw new IOException("header line too long");
                }
            }
            return b.toString();
        }

        @Override
        public void close() {
            SSLSession session = socket.getSession();
            try {
                socket.close();
            } catch (IOException ignored) {
                // the answer was read; nothing left to lose
            }
            if (!resume) {
                session.invalidate();
            }
        }
    }
}
