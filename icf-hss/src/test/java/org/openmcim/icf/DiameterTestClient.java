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

/**
 * A plain blocking Diameter peer for tests: raw bytes out, whole frames in. Public (in the icf-hss
 * test jar) so drf-dpf's tests can play the PGW against a real ICF and the launcher's journey
 * tests a 3GPP AAA server.
 */
public final class DiameterTestClient implements AutoCloseable {
    public final Dictionary d = Dictionary.standard();
    public final DiameterCodec codec = new DiameterCodec(d);
    public final Socket socket;
    public final String host;
    public final String realm;
    private int hbh = 1;

    public DiameterTestClient(InetSocketAddress server, String host, String realm) throws IOException {
        this.socket = new Socket();
        socket.connect(server, 2000);
        socket.setSoTimeout(5000);
        this.host = host;
        this.realm = realm;
    }

    public int nextId() {
        return hbh++;
    }

    public void sendRaw(byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    public void send(DiameterMessage m) throws IOException {
        sendRaw(codec.encode(m));
    }

    /** The next frame, decoded; null when the server closed the connection. */
    public DiameterMessage receive() throws IOException {
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
    public boolean closedByServer() throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    public DiameterMessage exchange(DiameterMessage m) throws IOException {
        send(m);
        return receive();
    }

    public Avp originHost() {
        return Avp.diameterIdentity(d.avp("Origin-Host"), host);
    }

    public Avp originRealm() {
        return Avp.diameterIdentity(d.avp("Origin-Realm"), realm);
    }

    public DiameterMessage cer(int... appIds) {
        int id = nextId();
        return cer(d, host, realm, id, hbh, appIds);
    }

    /** A CER from {@code host}/{@code realm} advertising the 3GPP {@code appIds}, for a peer on any transport. */
    public static DiameterMessage cer(Dictionary d, String host, String realm, int hopByHop, int endToEnd, int... appIds) {
        DiameterMessage.Builder b = DiameterMessage.request(CommandCode.CAPABILITIES_EXCHANGE, ApplicationId.COMMON)
                .hopByHop(hopByHop).endToEnd(endToEnd)
                .add(Avp.diameterIdentity(d.avp("Origin-Host"), host), Avp.diameterIdentity(d.avp("Origin-Realm"), realm))
                .add(Avp.address(d.avp("Host-IP-Address"), org.openmcim.diameter.DiameterAddress.of(java.net.InetAddress.getLoopbackAddress())))
                .add(Avp.unsigned32(d.avp("Vendor-Id"), 0), Avp.utf8String(d.avp("Product-Name"), "test-peer"));
        for (int app : appIds) {
            b.add(Avp.grouped(d.avp("Vendor-Specific-Application-Id"), Avp.unsigned32(d.avp("Vendor-Id"), VendorId.THREE_GPP),
                    Avp.unsigned32(d.avp("Auth-Application-Id"), app)));
        }
        return b.build();
    }

    public DiameterMessage.Builder s6aRequest(int command, String imsi) {
        int id = nextId();
        return DiameterMessage.request(command, ApplicationId.S6A).proxiable(true).hopByHop(id).endToEnd(0x5000 + id)
                .sessionId(host + ";" + id + ";" + System.nanoTime())
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1), originHost(), originRealm(),
                        Avp.diameterIdentity(d.avp("Destination-Realm"), "localdomain"),
                        Avp.utf8String(d.avp("User-Name"), imsi));
    }

    public DiameterMessage air(String imsi, int vectors, byte[] visitedPlmn, byte[] resync) {
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

    /** A Gx CCR (TS 29.212 §5.6.2) of {@code type} (RFC 4006 §8.3: 1 initial, 2 update, 3 termination). */
    public DiameterMessage.Builder gxRequest(String sessionId, int type, int number) {
        int id = nextId();
        return DiameterMessage.request(CommandCode.CREDIT_CONTROL, ApplicationId.GX).proxiable(true).hopByHop(id).endToEnd(0x9000 + id)
                .sessionId(sessionId)
                .add(originHost(), originRealm(), Avp.diameterIdentity(d.avp("Destination-Realm"), "localdomain"),
                        Avp.unsigned32(d.avp("Auth-Application-Id"), ApplicationId.GX),
                        Avp.enumerated(d.avp("CC-Request-Type"), type), Avp.unsigned32(d.avp("CC-Request-Number"), number));
    }

    /** CCR-Initial as a PGW sends it: the IMSI, the UE's address and the APN, each left out when null. */
    public DiameterMessage ccrInitial(String sessionId, String imsi, byte[] ip, String apn) {
        DiameterMessage.Builder b = gxRequest(sessionId, 1, 0);
        if (imsi != null) {
            b.add(Avp.grouped(d.avp("Subscription-Id"), Avp.enumerated(d.avp("Subscription-Id-Type"), 1),
                    Avp.utf8String(d.avp("Subscription-Id-Data"), imsi)));
        }
        if (ip != null) {
            b.add(Avp.octetString(d.avp("Framed-IP-Address"), ip));
        }
        if (apn != null) {
            b.add(Avp.utf8String(d.avp("Called-Station-Id"), apn));
        }
        return b.build();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** An SWx request (TS 29.273 §8) from this peer as a 3GPP AAA server. */
    public DiameterMessage.Builder swx(int command, String userName) {
        int id = nextId();
        return DiameterMessage.request(command, ApplicationId.SWX).proxiable(true).hopByHop(id).endToEnd(0x7000 + id)
                .sessionId(host + ";" + id + ";" + System.nanoTime())
                .add(Avp.grouped(d.avp("Vendor-Specific-Application-Id"), Avp.unsigned32(d.avp("Vendor-Id"), VendorId.THREE_GPP),
                        Avp.unsigned32(d.avp("Auth-Application-Id"), ApplicationId.SWX)))
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1), originHost(), originRealm(),
                        Avp.diameterIdentity(d.avp("Destination-Realm"), "localdomain"),
                        Avp.utf8String(d.avp("User-Name"), userName));
    }

    /** MAR for {@code n} items of {@code scheme} (EAP-AKA or EAP-AKA'), RAT WLAN, optional ANID and RAND||AUTS. */
    public DiameterMessage.Builder mar(String userName, String scheme, int n, String anid, byte[] resync) {
        java.util.List<Avp> item = new java.util.ArrayList<>();
        item.add(Avp.utf8String(d.avp("SIP-Authentication-Scheme"), scheme));
        if (resync != null) {
            item.add(Avp.octetString(d.avp("SIP-Authorization"), resync));
        }
        DiameterMessage.Builder b = swx(CommandCode.MULTIMEDIA_AUTH, userName)
                .add(Avp.unsigned32(d.avp("SIP-Number-Auth-Items"), n), Avp.grouped(d.avp("SIP-Auth-Data-Item"), item),
                        Avp.enumerated(d.avp("RAT-Type"), 0)); // WLAN
        if (anid != null) {
            b.add(Avp.utf8String(d.avp("ANID"), anid));
        }
        return b;
    }

    /** SAR of {@code type} (TS 29.273 §8.2.3.3 Server-Assignment-Type). */
    public DiameterMessage sar(String userName, int type) {
        return swx(CommandCode.SERVER_ASSIGNMENT, userName).add(Avp.enumerated(d.avp("Server-Assignment-Type"), type)).build();
    }
}
