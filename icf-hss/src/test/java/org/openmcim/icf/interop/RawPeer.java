package org.openmcim.icf.interop;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DecodeResult;
import org.openmcim.diameter.DiameterAddress;
import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.VendorId;
import org.openmcim.diameter.dictionary.Dictionary;

/**
 * A scripted Diameter peer over a plain socket: sends bytes exactly as given (hex data files or
 * the codec's encoding of a well-formed request) and reads whole frames back.
 */
final class RawPeer implements AutoCloseable {
    static final Dictionary D = Dictionary.standard();
    static final DiameterCodec CODEC = new DiameterCodec(D);

    final Socket socket;
    final String host;
    private int hbh = 1;

    RawPeer(InetSocketAddress server, String host) throws IOException {
        this.host = host;
        socket = new Socket();
        socket.connect(server, 2000);
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
    }

    void send(byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** The next frame; null on EOF or reset. */
    DiameterMessage receive() throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] head = new byte[4];
        try {
            in.readFully(head);
        } catch (EOFException | java.net.SocketException e) {
            return null;
        }
        int length = ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
        byte[] frame = new byte[length];
        System.arraycopy(head, 0, frame, 0, 4);
        in.readFully(frame, 4, length - 4);
        DecodeResult r = CODEC.decode(frame);
        if (!(r instanceof DiameterMessage m)) {
            throw new IllegalStateException("the ICF sent an undecodable frame: " + r);
        }
        return m;
    }

    /** Whether the ICF closed the connection (EOF or reset) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    DiameterMessage exchange(DiameterMessage m) throws IOException {
        send(CODEC.encode(m));
        return receive();
    }

    /** A CER advertising S6a (RFC 6733 §5.3.1). */
    DiameterMessage cer() {
        return DiameterMessage.request(CommandCode.CAPABILITIES_EXCHANGE, ApplicationId.COMMON).hopByHop(hbh++).endToEnd(hbh)
                .add(Avp.diameterIdentity(D.avp("Origin-Host"), host), Avp.diameterIdentity(D.avp("Origin-Realm"), "localdomain"),
                        Avp.address(D.avp("Host-IP-Address"), DiameterAddress.of(java.net.InetAddress.getLoopbackAddress())),
                        Avp.unsigned32(D.avp("Vendor-Id"), 0), Avp.utf8String(D.avp("Product-Name"), "raw-peer"),
                        Avp.grouped(D.avp("Vendor-Specific-Application-Id"), Avp.unsigned32(D.avp("Vendor-Id"), VendorId.THREE_GPP),
                                Avp.unsigned32(D.avp("Auth-Application-Id"), ApplicationId.S6A)))
                .build();
    }

    /** An S6a AIR for one E-UTRAN vector (TS 29.272 §7.2.5), visited PLMN 001/01. */
    DiameterMessage air(String imsi) {
        int id = hbh++;
        return DiameterMessage.request(CommandCode.AUTHENTICATION_INFORMATION, ApplicationId.S6A).proxiable(true)
                .hopByHop(id).endToEnd(0x7000 + id).sessionId(host + ";" + id + ";" + System.nanoTime())
                .add(Avp.enumerated(D.avp("Auth-Session-State"), 1), Avp.diameterIdentity(D.avp("Origin-Host"), host),
                        Avp.diameterIdentity(D.avp("Origin-Realm"), "localdomain"),
                        Avp.diameterIdentity(D.avp("Destination-Realm"), "localdomain"), Avp.utf8String(D.avp("User-Name"), imsi),
                        Avp.grouped(D.avp("Requested-EUTRAN-Authentication-Info"),
                                Avp.unsigned32(D.avp("Number-Of-Requested-Vectors"), 1)),
                        Avp.octetString(D.avp("Visited-PLMN-Id"), new byte[] {0x00, (byte) 0xf1, 0x10}))
                .build();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * A data file of {@code src/test/resources/interop/}: "key: value" lines say what to expect,
     * lines starting with # explain, every other line is hex octets of the input.
     */
    record HexCase(String name, Map<String, String> expect, byte[] bytes) {
        static HexCase load(String resource) throws IOException {
            Path p;
            try {
                p = Path.of(RawPeer.class.getClassLoader().getResource(resource).toURI());
            } catch (java.net.URISyntaxException | NullPointerException e) {
                throw new IOException("no test resource " + resource, e);
            }
            Map<String, String> expect = new HashMap<>();
            java.io.ByteArrayOutputStream hex = new java.io.ByteArrayOutputStream();
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int colon = l.indexOf(':');
                if (colon > 0) {
                    expect.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
                    continue;
                }
                for (String octet : l.split("\\s+")) {
                    hex.write(Integer.parseInt(octet, 16));
                }
            }
            return new HexCase(p.getFileName().toString(), Map.copyOf(expect), hex.toByteArray());
        }

        String get(String key, String otherwise) {
            return expect.getOrDefault(key, otherwise);
        }

        int hopByHop() {
            return bytes.length >= 16 ? java.nio.ByteBuffer.wrap(bytes, 12, 4).getInt() : 0;
        }

        int declaredLength() {
            return ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
        }

        static List<String> list(String folder, String... names) {
            return java.util.Arrays.stream(names).map(n -> folder + "/" + n).toList();
        }
    }
}
