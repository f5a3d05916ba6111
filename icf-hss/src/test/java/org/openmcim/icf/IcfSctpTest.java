package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;

import org.junit.jupiter.api.Test;
import org.openmcim.config.ConfigException;
import org.openmcim.config.ConfigNode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.peer.DiameterServer;
import org.openmcim.store.InMemoryCredentialStore;

import com.sun.nio.sctp.MessageInfo;
import com.sun.nio.sctp.SctpChannel;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * {@code transport: sctp} on an identity (RFC 6733 §2.1). Where the kernel has SCTP, a JDK SCTP
 * client exchanges CER/CEA with the ICF (PPID 46); where it has not (this machine and CI), start-up
 * fails naming the identity and the reason, and the TCP identity configured before it is not left
 * listening.
 */
class IcfSctpTest {
    static String yaml(int tcpPort, int sctpPort) {
        return IcfServerTest.yaml(tcpPort).replace("""
                peers:""", """
                  - host: hss-sctp.localdomain
                    realm: localdomain
                    listen: 127.0.0.1:%d
                    transport: sctp
                    applications: [s6a]
                peers:""".formatted(sctpPort));
    }

    @Test
    void sctpIdentityAnswersCerOrStartUpSaysTheKernelHasNone() throws Exception {
        int tcpPort = IcfServerTest.freePort();
        int sctpPort = IcfServerTest.freePort();
        IcfConfig config = IcfConfig.from(ConfigNode.parse("icf-sctp.yaml", new StringReader(yaml(tcpPort, sctpPort))));
        assertEquals(IcfConfig.Transport.SCTP, config.identities().get(1).transport());
        assertEquals(IcfConfig.Transport.TCP, config.identities().get(0).transport());
        if (!DiameterServer.sctpAvailable()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> IcfServer.start(config, new InMemoryCredentialStore(),
                    new SimpleMeterRegistry(), Clock.systemUTC(), new SecureRandom()));
            assertTrue(e.getMessage().contains("hss-sctp.localdomain: transport sctp on /127.0.0.1:" + sctpPort
                    + ", but this kernel has no SCTP"), e.getMessage());
            try (ServerSocket again = new ServerSocket(tcpPort, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                assertEquals(tcpPort, again.getLocalPort(), "the TCP identity started first was closed again");
            }
            return;
        }
        try (IcfServer icf = IcfServer.start(config, new InMemoryCredentialStore(), new SimpleMeterRegistry(), Clock.systemUTC(),
                new SecureRandom());
             SctpChannel ch = SctpChannel.open(new InetSocketAddress("127.0.0.1", sctpPort), 2, 2)) {
            org.openmcim.diameter.dictionary.Dictionary d = org.openmcim.diameter.dictionary.Dictionary.standard();
            org.openmcim.diameter.DiameterCodec codec = new org.openmcim.diameter.DiameterCodec(d);
            byte[] cer = codec.encode(DiameterTestClient.cer(d, "mme.localdomain", "localdomain", 1, 1, org.openmcim.diameter.ApplicationId.S6A));
            ch.send(ByteBuffer.wrap(cer), MessageInfo.createOutgoing(null, 0).payloadProtocolID(46));
            ByteBuffer in = ByteBuffer.allocate(4096);
            MessageInfo info = ch.receive(in, null, null);
            assertEquals(46, info.payloadProtocolID(), "Diameter's PPID (RFC 6733 §2.1.1)");
            in.flip();
            byte[] cea = new byte[in.remaining()];
            in.get(cea);
            DiameterMessage m = assertInstanceOf(DiameterMessage.class, codec.decode(cea));
            assertEquals(org.openmcim.diameter.ResultCode.DIAMETER_SUCCESS, m.resultCode());
        }
    }

    @Test
    void transportIsTcpOrSctp() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> IcfConfig.from(ConfigNode.parse("icf-sctp.yaml",
                new StringReader(yaml(IcfServerTest.freePort(), IcfServerTest.freePort()).replace("transport: sctp", "transport: udp")))));
        assertTrue(e.getMessage().contains("identities[1].transport: must be one of tcp, sctp"), e.getMessage());
    }
}
