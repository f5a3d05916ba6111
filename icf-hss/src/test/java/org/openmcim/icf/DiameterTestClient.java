package org.openmcim.icf;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DecodeResult;
import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.VendorId;
import org.openmcim.diameter.dictionary.Dictionary;

/** A plain blocking Diameter peer for tests: raw bytes out, whole frames in. */
final class DiameterTestClient implements AutoCloseable {
    final Dictionary d = Dictionary.standard();
    final DiameterCodec codec = new DiameterCodec(d);
    final Socket socket;
    final String host;
    final String realm;
    private int hbh = 1;

    DiameterTestClient(InetSocketAddress server, String host, String realm) throws IOException {
        this.socket = new Socket();
        socket.connect(server, 2000);
        socket.setSoTimeout(5000);
        this.host = host;
        this.realm = realm;
    }

    int nextId() {
        return hbh++;
    }

    void sendRaw(byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    void send(DiameterMessage m) throws IOException {
        sendRaw(codec.encode(m));
    }

    /** The next frame, decoded; null when the server closed the connection. */
    DiameterMessage receive() throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] head = new byte[4];
        try {
            in.readFully(head);
        } catch (java.io.EOFException e) {
            return null;
        }
        int length = ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8) | (head[3] & 0xff);
        byte[] frame = new byte[length];
        System.arraycopy(head, 0, frame, 0, 4);
        in.readFully(frame, 4, length - 4);
        DecodeResult r = codec.decode(frame);
        if (!(r instanceof DiameterMessage m)) {
            throw new IllegalStateException("server sent an undecodable frame: " + r);
        }
        return m;
    }

    /** Whether the server closed the connection (EOF) within the timeout. */
    boolean closedByServer() throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    DiameterMessage exchange(DiameterMessage m) throws IOException {
        send(m);
        return receive();
    }

    Avp originHost() {
        return Avp.diameterIdentity(d.avp("Origin-Host"), host);
    }

    Avp originRealm() {
        return Avp.diameterIdentity(d.avp("Origin-Realm"), realm);
    }

    DiameterMessage cer(int... appIds) {
        DiameterMessage.Builder b = DiameterMessage.request(CommandCode.CAPABILITIES_EXCHANGE, ApplicationId.COMMON)
                .hopByHop(nextId()).endToEnd(hbh)
                .add(originHost(), originRealm())
                .add(Avp.address(d.avp("Host-IP-Address"), org.openmcim.diameter.DiameterAddress.of(java.net.InetAddress.getLoopbackAddress())))
                .add(Avp.unsigned32(d.avp("Vendor-Id"), 0), Avp.utf8String(d.avp("Product-Name"), "test-peer"));
        for (int app : appIds) {
            b.add(Avp.grouped(d.avp("Vendor-Specific-Application-Id"), Avp.unsigned32(d.avp("Vendor-Id"), VendorId.THREE_GPP),
                    Avp.unsigned32(d.avp("Auth-Application-Id"), app)));
        }
        return b.build();
    }

    DiameterMessage.Builder s6aRequest(int command, String imsi) {
        int id = nextId();
        return DiameterMessage.request(command, ApplicationId.S6A).proxiable(true).hopByHop(id).endToEnd(0x5000 + id)
                .sessionId(host + ";" + id + ";" + System.nanoTime())
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1), originHost(), originRealm(),
                        Avp.diameterIdentity(d.avp("Destination-Realm"), "localdomain"),
                        Avp.utf8String(d.avp("User-Name"), imsi));
    }

    DiameterMessage air(String imsi, int vectors, byte[] visitedPlmn, byte[] resync) {
        java.util.List<Avp> req = new java.util.ArrayList<>();
        req.add(Avp.unsigned32(d.avp("Number-Of-Requested-Vectors"), vectors));
        req.add(Avp.unsigned32(d.avp("Immediate-Response-Preferred"), 1));
        if (resync != null) {
            req.add(Avp.octetString(d.avp("Re-Synchronization-Info"), resync));
        }
        return s6aRequest(CommandCode.AUTHENTICATION_INFORMATION, imsi)
                .add(Avp.grouped(d.avp("Requested-EUTRAN-Authentication-Info"), req))
                .add(Avp.octetString(d.avp("Visited-PLMN-Id"), visitedPlmn))
                .build();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
