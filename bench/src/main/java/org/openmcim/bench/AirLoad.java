package org.openmcim.bench;

import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.config.ConfigNode;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DecodeResult;
import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.VendorId;
import org.openmcim.diameter.dictionary.Dictionary;
import org.openmcim.diameter.netty.DiameterPipeline;
import org.openmcim.icf.IcfServer;
import org.openmcim.icf.config.IcfConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.KeyCipher;
import org.openmcim.store.hazelcast.ClusterSettings;
import org.openmcim.store.hazelcast.DatabaseSettings;
import org.openmcim.store.hazelcast.SqnBlocks;
import org.openmcim.store.hazelcast.SqnLease;
import org.openmcim.store.hazelcast.StoreMember;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * AIR/AIA load against an in-process ICF on loopback, with our own Netty client (issue #3
 * benchmark). Every AIR asks one E-UTRAN vector for a different subscriber, so each answer costs
 * a real Milenage key schedule, an atomic SQN grant in the store and KASME.
 *
 * <pre>
 * bin/bench-air --mode closed --connections 4 --window 64 --seconds 20     # throughput
 * bin/bench-air --mode open --rate 25000 --connections 4 --seconds 20      # latency at an offered rate
 * </pre>
 *
 * Open loop measures from the intended send time, so a stalled server shows up as latency rather
 * than as a lower send rate (no coordinated omission).
 */
public final class AirLoad {
    private final Dictionary d = Dictionary.standard();
    private final DiameterCodec codec = new DiameterCodec(d);
    private final Recorder latency = new Recorder(3);
    private final LongAdder answered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final java.util.concurrent.ConcurrentHashMap<Long, LongAdder> failures = new java.util.concurrent.ConcurrentHashMap<>();
    private byte[][] templates;

    public static void main(String[] args) throws Exception {
        String mode = "closed";
        int connections = 4;
        int window = 64;
        int rate = 25_000;
        int seconds = 20;
        int subscribers = 100_000;
        int warmup = 5;
        String storeKind = "memory";
        int workers = 2;
        int lease = SqnLease.DEFAULT;
        boolean prime = false;
        int block = 0;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--mode" -> mode = v;
                case "--connections" -> connections = Integer.parseInt(v);
                case "--window" -> window = Integer.parseInt(v);
                case "--rate" -> rate = Integer.parseInt(v);
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--subscribers" -> subscribers = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--store" -> storeKind = v;
                case "--workers" -> workers = Integer.parseInt(v);
                case "--lease" -> lease = SqnLease.check(Integer.parseInt(v));
                case "--prime" -> prime = Boolean.parseBoolean(v);
                case "--block" -> block = SqnBlocks.check(Integer.parseInt(v));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        new AirLoad().run(mode, connections, window, rate, seconds, subscribers, warmup, storeKind, workers, lease, prime, block);
    }

    private void run(String mode, int connections, int window, int rate, int seconds, int subscribers, int warmup, String storeKind,
                     int workers, int lease, boolean prime, int block)
            throws Exception {
        List<StoreMember> members = new ArrayList<>();
        CredentialStore store;
        if (storeKind.equals("hazelcast")) {
            // Two members on loopback (backup count 1, write-through to an H2 file database): the
            // ICF embeds the first; every SQN grant is an entry processor with a synchronous backup,
            // and one grant in L (--lease, the SQN lease; 0: every grant) also a database commit
            // before it is answered. With --block B each member reserves B SEQ values per subscriber
            // in one such call and grants the rest from its own memory (SqnBlocks).
            Path dbDir = Files.createTempDirectory("airload-store");
            SecureRandom rnd = new SecureRandom();
            byte[] kek = new byte[KeyCipher.KEK_BYTES];
            rnd.nextBytes(kek);
            KeyCipher cipher = new KeyCipher(kek, rnd);
            List<Integer> ports = List.of(freePort(), freePort());
            List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
            DatabaseSettings db = new DatabaseSettings("jdbc:h2:file:" + dbDir.resolve("store").toAbsolutePath(), "sa", "", 8, "subscriber");
            for (int port : ports) {
                members.add(StoreMember.start(new ClusterSettings("airload", "127.0.0.1", port, addresses, 1,
                        Map.of("hazelcast.logging.type", "none")), db, cipher, lease, block));
            }
            store = members.get(0).store();
        } else {
            store = new InMemoryCredentialStore();
        }
        SplittableRandom r = new SplittableRandom(33812);
        List<Subscriber> subs = new ArrayList<>(subscribers);
        for (int i = 0; i < subscribers; i++) {
            byte[] k = new byte[16];
            byte[] opc = new byte[16];
            for (int j = 0; j < 16; j++) {
                k[j] = (byte) r.nextInt(256);
                opc[j] = (byte) r.nextInt(256);
            }
            subs.add(new Subscriber(String.format("00101%010d", i), SubscriberKind.PCID, Algorithm.MILENAGE, k, opc,
                    new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED, Instant.now(), null, "bench", "provisioning", null));
        }
        store.insertAll(subs);
        if (prime) {
            // One grant per subscriber before the load, as an ICF that has been up for a while has
            // given them: on the Hazelcast store each takes its first SQN lease (a database commit),
            // so the measurement shows grants inside leases. Without it the first pass over the
            // subscribers commits one lease each, as after a full cluster restart.
            long t = System.nanoTime();
            CredentialStore s = store;
            subs.parallelStream().forEach(sub -> s.grantVectors(sub.imsi(), SqnPolicy.DEFAULT, 0, 1, Instant.now()));
            System.out.printf("primed: one grant per subscriber (%,d) in %.1f s%n", subs.size(), (System.nanoTime() - t) / 1e9);
        }
        int port = freePort();
        String yaml = """
                identities: [{host: hss.localdomain, realm: localdomain, listen: 127.0.0.1:%d, applications: [s6a]}]
                peers: [{host: mme.localdomain, realm: localdomain}]
                imsi-ranges: ["00101"]
                subscription-profile: {apn: provisioning, arp: {}, ambr: {uplink: 1000000, downlink: 1000000}}
                limits: {max-in-flight: 100000, worker-threads: %d}
                """.formatted(port, workers);
        IcfConfig config = IcfConfig.from(ConfigNode.parse("bench", new StringReader(yaml)));
        templates = new byte[subscribers][];
        for (int i = 0; i < subscribers; i++) {
            templates[i] = codec.encode(air(String.format("00101%010d", i)));
        }
        try (IcfServer icf = IcfServer.start(config, store, new SimpleMeterRegistry(), Clock.systemUTC(), new SecureRandom())) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            try {
                List<Conn> conns = new ArrayList<>();
                for (int c = 0; c < connections; c++) {
                    conns.add(connect(group, icf.boundAddresses().get(0), c));
                }
                for (Conn c : conns) {
                    c.open.await(5, TimeUnit.SECONDS);
                }
                System.out.printf("AIR load: %s store%s, %d workers, mode %s, %d connection(s), %s, %d subscribers, warm-up %d s, measure %d s, %d cores%n",
                        storeKind, storeKind.equals("hazelcast") ? " (SQN lease " + lease + ", block " + block + ")" : "", workers, mode, connections, mode.equals("closed") ? "window " + window + " per connection" : rate + " AIR/s offered",
                        subscribers, warmup, seconds, Runtime.getRuntime().availableProcessors());
                long cpuBefore = processCpuNanos();
                if (mode.equals("closed")) {
                    conns.forEach(c -> c.closedLoop(window));
                } else {
                    startOpenLoop(group, conns, rate);
                }
                Thread.sleep(warmup * 1000L);
                latency.reset();
                answered.reset();
                failed.reset();
                cpuBefore = processCpuNanos();
                long t0 = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                long elapsed = System.nanoTime() - t0;
                long cpu = processCpuNanos() - cpuBefore;
                Histogram h = latency.getIntervalHistogram();
                double perSecond = answered.sum() * 1e9 / elapsed;
                System.out.printf("answered %,d AIA (%,d failed) in %.1f s: %,.0f AIR/s%n", answered.sum(), failed.sum(), elapsed / 1e9, perSecond);
                if (!failures.isEmpty()) {
                    System.out.println("failures by Result-Code (-1: Experimental-Result): " + failures);
                }
                System.out.printf("latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
                        h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                        h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
                System.out.printf("process CPU (server + load client): %.0f%% of %d cores%n",
                        100.0 * cpu / elapsed / Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors());
                if (!members.isEmpty()) {
                    long written = 0;
                    long skipped = 0;
                    for (StoreMember m : members) {
                        written += m.mapStore().rowsWritten();
                        skipped += m.mapStore().rowsSkipped();
                    }
                    System.out.printf("store since start (warm-up included): %,d rows written, %,d grants inside a lease not written%n",
                            written, skipped);
                }
                conns.forEach(c -> c.channel.close());
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        } finally {
            members.forEach(StoreMember::close);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private DiameterMessage air(String imsi) {
        return DiameterMessage.request(CommandCode.AUTHENTICATION_INFORMATION, ApplicationId.S6A).proxiable(true)
                .sessionId("mme.localdomain;bench;" + imsi)
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1),
                        Avp.diameterIdentity(d.avp("Origin-Host"), "mme.localdomain"),
                        Avp.diameterIdentity(d.avp("Origin-Realm"), "localdomain"),
                        Avp.diameterIdentity(d.avp("Destination-Realm"), "localdomain"),
                        Avp.utf8String(d.avp("User-Name"), imsi),
                        Avp.grouped(d.avp("Requested-EUTRAN-Authentication-Info"),
                                Avp.unsigned32(d.avp("Number-Of-Requested-Vectors"), 1),
                                Avp.unsigned32(d.avp("Immediate-Response-Preferred"), 1)),
                        Avp.octetString(d.avp("Visited-PLMN-Id"), PlmnId.parse("00101").toOctets()))
                .build();
    }

    private Conn connect(EventLoopGroup group, InetSocketAddress to, int index) throws InterruptedException {
        Conn c = new Conn(index);
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel sc) {
                        DiameterPipeline.addCodec(sc.pipeline(), codec);
                        sc.pipeline().addLast(c);
                    }
                }).connect(new InetSocketAddress(to.getHostString(), to.getPort())).sync().channel();
        c.channel = ch;
        ch.writeAndFlush(DiameterMessage.request(CommandCode.CAPABILITIES_EXCHANGE, ApplicationId.COMMON).hopByHop(1).endToEnd(1)
                .add(Avp.diameterIdentity(d.avp("Origin-Host"), "mme.localdomain"),
                        Avp.diameterIdentity(d.avp("Origin-Realm"), "localdomain"),
                        Avp.address(d.avp("Host-IP-Address"), org.openmcim.diameter.DiameterAddress.of(java.net.InetAddress.getLoopbackAddress())),
                        Avp.unsigned32(d.avp("Vendor-Id"), 0), Avp.utf8String(d.avp("Product-Name"), "openmcim-bench"),
                        Avp.grouped(d.avp("Vendor-Specific-Application-Id"), Avp.unsigned32(d.avp("Vendor-Id"), VendorId.THREE_GPP),
                                Avp.unsigned32(d.avp("Auth-Application-Id"), ApplicationId.S6A)))
                .build());
        return c;
    }

    private void startOpenLoop(EventLoopGroup group, List<Conn> conns, int rate) {
        long periodNanos = 100_000; // 100 µs ticks: a request waits at most this long for its tick
        AtomicLong due = new AtomicLong(0);
        long start = System.nanoTime();
        group.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long shouldHaveSent = (now - start) * rate / 1_000_000_000L;
            long n = shouldHaveSent - due.get();
            for (long i = 0; i < n; i++) {
                long seq = due.getAndIncrement();
                // Intended send time of this request, for latency without coordinated omission.
                long intended = start + seq * 1_000_000_000L / rate;
                conns.get((int) (seq % conns.size())).send(intended);
            }
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    private final class Conn extends SimpleChannelInboundHandler<DecodeResult> {
        final CountDownLatch open = new CountDownLatch(1);
        final int index;
        final long[] sentAt = new long[1 << 20];
        int nextId = 2;
        int nextSub;
        Channel channel;
        boolean closedLoop;

        Conn(int index) {
            super(DecodeResult.class);
            this.index = index;
            this.nextSub = index * 7919;
        }

        void closedLoop(int window) {
            channel.eventLoop().execute(() -> {
                closedLoop = true;
                for (int i = 0; i < window; i++) {
                    send(System.nanoTime());
                }
            });
        }

        /** Sends one AIR from the pre-encoded template with fresh identifiers. */
        void send(long intendedNanos) {
            int id = nextId++;
            byte[] t = templates[nextSub++ % templates.length];
            ByteBuf b = Unpooled.wrappedBuffer(t.clone());
            b.setInt(12, id);
            b.setInt(16, (index << 24) | (id & 0xFFFFFF));
            sentAt[id & (sentAt.length - 1)] = intendedNanos;
            channel.writeAndFlush(b, channel.voidPromise());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DecodeResult msg) {
            if (!(msg instanceof DiameterMessage m)) {
                failed.increment();
                return;
            }
            if (m.commandCode() == CommandCode.CAPABILITIES_EXCHANGE) {
                open.countDown();
                return;
            }
            long now = System.nanoTime();
            latency.recordValue(now - sentAt[m.hopByHop() & (sentAt.length - 1)]);
            long rc = m.resultCode();
            if (rc == 2001) {
                answered.increment();
            } else {
                failed.increment();
                failures.computeIfAbsent(rc, x -> new LongAdder()).increment();
            }
            if (closedLoop) {
                send(now);
            }
        }
    }
}
