package org.openmcim.bench.mme;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openmcim.aka.kdf.Kdf;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.vector.VectorFactory;
import org.openmcim.uesim.nas.NasCodec;
import org.openmcim.uesim.s1ap.S1apCodec;
import org.openmcim.uesim.s1ap.S1apDecodeError;
import org.openmcim.uesim.s1ap.S1apIes;
import org.openmcim.uesim.s1ap.S1apMessage;
import org.openmcim.uesim.transport.FramedTcpTransport;
import org.openmcim.uesim.transport.S1Transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * A stub MME for benchmarks and scenario tests: a real S1AP/NAS peer on the framed-TCP transport
 * (the framing of {@code lab/sctp-over-tcp}, declared once in {@link FramedTcpTransport}), with a
 * built-in HSS ({@link StubHss}) instead of S6a and no S-GW (bearers are signalled, not carried).
 * It speaks the project's own codecs both ways: S1 Setup (TS 36.413 §8.7.3), then per UE the
 * {@link MmeUeContext} procedures, and UE Context Release.
 *
 * <p>Test equipment, not an MME: no paging, no TAU, no handover, no S1 Reset of single UEs, no
 * overload control. Each association (one eNB) lives on one event loop and owns its UE contexts;
 * the HSS, the GUTI table and the counters are shared. Event-loop threads are named
 * {@code stub-mme-*} so a benchmark in the same JVM can tell their CPU time apart.
 */
public final class StubMme implements AutoCloseable {
    /** Thread-name prefix of every thread the stub MME runs. */
    public static final String THREAD_PREFIX = "stub-mme";

    /** The counters: attaches and detaches completed, failures, and what is held now. */
    public record Stats(long attaches, long detaches, long attachRejects, long authenticationFailures, long discarded,
                        int registered, int s1Contexts) {
    }

    private final MmeNetwork network;
    private final EventLoopGroup group;
    private final Channel server;

    private StubMme(MmeNetwork network, EventLoopGroup group, Channel server) {
        this.network = network;
        this.group = group;
        this.server = server;
    }

    /** Listens on {@code bind} (port 0: an ephemeral port, see {@link #address()}). */
    public static StubMme start(MmeConfig config, StubHss hss, InetSocketAddress bind) throws InterruptedException {
        MmeNetwork network = new MmeNetwork(config, hss);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(config.threads(), new DefaultThreadFactory(THREAD_PREFIX, true),
                NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            FramedTcpTransport.initPipeline(ch, new Association(network, ch));
                        }
                    })
                    .bind(bind).sync().channel();
            return new StubMme(network, group, server);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public Stats stats() {
        return network.stats();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * One S1-MME association (one eNB), confined to its channel's event loop: decodes, dispatches
     * to the UE contexts by MME UE S1AP ID, encodes and writes what they return, one flush per
     * received PDU.
     */
    private static final class Association implements S1Transport.Listener {
        private final MmeNetwork network;
        private final Channel channel;
        private final S1apCodec s1ap = new S1apCodec();
        private final NasCodec nas = new NasCodec();
        private final Kdf kdf = new Kdf();
        private final VectorFactory vectors = new VectorFactory(new SecureRandom());
        private final Map<Long, MmeUeContext> ues = new HashMap<>();
        private boolean setUp;

        Association(MmeNetwork network, Channel channel) {
            this.network = network;
            this.channel = channel;
        }

        @Override
        public void onPdu(byte[] pdu) {
            Object decoded = s1ap.decode(pdu);
            if (decoded instanceof S1apDecodeError) {
                network.discarded.increment();
                return;
            }
            S1apMessage m = (S1apMessage) decoded;
            if (m instanceof S1apMessage.S1SetupRequest r) {
                write(setup(r));
            } else if (!setUp) {
                network.discarded.increment(); // §8.7.3: nothing UE-associated before S1 Setup
            } else if (m instanceof S1apMessage.InitialUeMessage i) {
                MmeUeContext ue = new MmeUeContext(network, vectors, kdf, nas, network.nextMmeUeS1apId(), i.enbUeS1apId());
                ues.put(ue.mmeUeS1apId(), ue);
                network.s1Contexts.incrementAndGet();
                apply(ue, ue.onInitialUeMessage(i));
            } else if (m instanceof S1apMessage.UplinkNasTransport u) {
                MmeUeContext ue = ue(u.mmeUeS1apId(), u.enbUeS1apId());
                if (ue != null) {
                    apply(ue, ue.onUplinkNas(u.nasPdu()));
                }
            } else if (m instanceof S1apMessage.InitialContextSetupResponse r) {
                MmeUeContext ue = ue(r.mmeUeS1apId(), r.enbUeS1apId());
                if (ue != null) {
                    apply(ue, ue.onInitialContextSetupResponse(r));
                }
            } else if (m instanceof S1apMessage.InitialContextSetupFailure f) {
                MmeUeContext ue = ue(f.mmeUeS1apId(), f.enbUeS1apId());
                if (ue != null) {
                    apply(ue, ue.onInitialContextSetupFailure());
                }
            } else if (m instanceof S1apMessage.UeContextReleaseRequest r) {
                MmeUeContext ue = ue(r.mmeUeS1apId(), r.enbUeS1apId());
                if (ue != null) {
                    apply(ue, ue.onReleaseRequest());
                }
            } else if (m instanceof S1apMessage.UeContextReleaseComplete c) {
                // §8.3.3.2: the eNB released its side; the S1 context ends (the EMM context's GUTI is kept).
                MmeUeContext ue = ue(c.mmeUeS1apId(), c.enbUeS1apId());
                if (ue != null) {
                    forget(ue);
                }
            } else if (m instanceof S1apMessage.Reset) {
                // §8.7.1.2.2: the eNB reset the whole interface; every UE-associated connection is gone.
                ues.values().forEach(u -> registeredLeaves(u));
                network.s1Contexts.addAndGet(-ues.size());
                ues.clear();
                write(List.of(new S1apMessage.ResetAcknowledge(List.of())));
            } else {
                network.discarded.increment();
            }
            channel.flush();
        }

        @Override
        public void onClosed(String reason) {
            ues.values().forEach(this::registeredLeaves);
            network.s1Contexts.addAndGet(-ues.size());
            ues.clear();
        }

        /** §8.7.3.2: accept an eNB that serves a TA in our PLMN; else S1 SETUP FAILURE, unknown PLMN. */
        private List<S1apMessage> setup(S1apMessage.S1SetupRequest r) {
            PlmnId plmn = network.config.plmn();
            if (r.supportedTas().stream().noneMatch(ta -> ta.broadcastPlmns().contains(plmn))) {
                return List.of(new S1apMessage.S1SetupFailure(S1apIes.Cause.MISC_UNKNOWN_PLMN, java.util.OptionalInt.empty()));
            }
            setUp = true;
            return List.of(new S1apMessage.S1SetupResponse(Optional.of("openmcim-stub-mme"), List.of(new S1apIes.ServedGummei(
                    List.of(plmn), List.of(network.config.mmeGroupId()), List.of(network.config.mmeCode()))), 255));
        }

        /** The context for a UE-associated message; an unknown or mismatched pair is discarded (§10.6 would answer an Error Indication). */
        private MmeUeContext ue(long mmeId, long enbId) {
            MmeUeContext ue = ues.get(mmeId);
            if (ue == null || ue.enbUeS1apId() != enbId) {
                network.discarded.increment();
                return null;
            }
            return ue;
        }

        private void apply(MmeUeContext ue, MmeUeContext.Step step) {
            write(step.send());
            step.event().ifPresent(e -> {
                switch (e) {
                    case ATTACHED -> {
                        network.attaches.increment();
                        network.registered.incrementAndGet();
                    }
                    case DETACHED -> {
                        network.detaches.increment();
                        network.registered.decrementAndGet();
                    }
                    case ATTACH_REJECTED -> network.attachRejects.increment();
                    case AUTHENTICATION_FAILED -> network.authenticationFailures.increment();
                    case DISCARDED -> network.discarded.increment();
                }
            });
        }

        private void forget(MmeUeContext ue) {
            ues.remove(ue.mmeUeS1apId());
            network.s1Contexts.decrementAndGet();
            registeredLeaves(ue);
        }

        private void registeredLeaves(MmeUeContext ue) {
            if (ue.state() == MmeUeContext.EmmState.EMM_REGISTERED) {
                network.registered.decrementAndGet();
            }
        }

        private void write(List<S1apMessage> messages) {
            for (S1apMessage m : messages) {
                channel.write(Unpooled.wrappedBuffer(s1ap.encode(m)));
            }
        }
    }

    /**
     * Runs the stub MME alone, so that a benchmark can keep it out of the simulator's process:
     * {@code StubMme --port 0 --subscribers N --seed S [--eea 0|2] [--threads T] [--emm-information true|false]}.
     * Prints {@code listening HOST:PORT} once bound, {@code stats ...} for every line read on
     * standard input, and exits when standard input closes (the parent went away).
     */
    public static void main(String[] args) throws Exception {
        int port = 0;
        int count = 10_000;
        long seed = 33812;
        int eea = 2;
        int threads = 1;
        boolean emmInformation = true;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(v);
                case "--subscribers" -> count = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--eea" -> eea = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--emm-information" -> emmInformation = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        MmeConfig d = MmeConfig.defaults();
        MmeConfig config = new MmeConfig(d.plmn(), d.mmeGroupId(), d.mmeCode(), eea, emmInformation, threads);
        try (StubMme mme = start(config, new StubHss(Subscribers.generate(seed, count)), new InetSocketAddress("127.0.0.1", port))) {
            System.out.println("listening " + mme.address().getHostString() + ":" + mme.address().getPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                Stats s = mme.stats();
                System.out.println("stats " + s.attaches() + " " + s.detaches() + " " + s.attachRejects() + " "
                        + s.authenticationFailures() + " " + s.discarded() + " " + s.registered() + " " + s.s1Contexts());
                System.out.flush();
            }
        }
    }
}
