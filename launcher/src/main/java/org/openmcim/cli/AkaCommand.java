package org.openmcim.cli;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

import org.openmcim.aka.AuthenticationFunctions;
import org.openmcim.aka.Hex;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.Tuak;
import org.openmcim.aka.UmtsVector;
import org.openmcim.aka.XorTestAlgorithm;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.Auts;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.vector.VectorFactory;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code openmcim aka}: the AKA crypto core for lab engineers, to check a SIM, a capture or another
 * HSS by hand. Prints labelled hex; bad hex or lengths exit 2 with a one-line reason.
 */
@Command(name = "aka", mixinStandardHelpOptions = true,
        description = "AKA crypto for lab work: OPc, vectors, AUTS, resynchronisation (TS 33.102, TS 35.206, TS 33.401).",
        subcommands = {AkaCommand.Opc.class, AkaCommand.Vector.class, AkaCommand.AutsCmd.class, AkaCommand.Resync.class})
final class AkaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: opc, vector, auts, resync");
    }

    /** The subscriber's key material and algorithm, shared by the subcommands. */
    static final class Subscriber {
        @Option(names = "--k", required = true, paramLabel = "HEX", description = "subscriber key K (16 bytes; TUAK also 32)")
        String k;

        @ArgGroup(exclusive = true, multiplicity = "1")
        OperatorVariant variant;

        @Option(names = "--algorithm", defaultValue = "milenage", paramLabel = "ALG",
                description = "milenage (default), tuak (TS 35.231: --opc/--op are TOPc/TOP, 32 bytes) or xor (TS 34.108 test SIMs)")
        String algorithm;

        @Option(names = "--mac-bits", defaultValue = "64", paramLabel = "N", description = "TUAK MAC length: 64 (default), 128, 256")
        int macBits;
        @Option(names = "--res-bits", defaultValue = "64", paramLabel = "N", description = "TUAK RES length: 32, 64 (default), 128, 256")
        int resBits;
        @Option(names = "--ck-bits", defaultValue = "128", paramLabel = "N", description = "TUAK CK length: 128 (default), 256")
        int ckBits;
        @Option(names = "--ik-bits", defaultValue = "128", paramLabel = "N", description = "TUAK IK length: 128 (default), 256")
        int ikBits;
        @Option(names = "--keccak-iterations", defaultValue = "1", paramLabel = "N", description = "TUAK Keccak iterations (default 1)")
        int keccakIterations;

        static final class OperatorVariant {
            @Option(names = "--opc", paramLabel = "HEX", description = "OPc (16 bytes), or TOPc for TUAK (32 bytes)")
            String opc;
            @Option(names = "--op", paramLabel = "HEX", description = "OP (16 bytes), or TOP for TUAK; OPc/TOPc is derived from it")
            String op;
        }

        AuthenticationFunctions functions() {
            switch (algorithm.toLowerCase(java.util.Locale.ROOT)) {
                case "milenage":
                    byte[] key = Hex.decode("K", k, 16);
                    return variant.opc != null
                            ? Milenage.withOpc(key, Hex.decode("OPc", variant.opc, 16))
                            : Milenage.withOp(key, Hex.decode("OP", variant.op, 16));
                case "tuak":
                    byte[] tuakKey = Hex.decode(k);
                    Tuak.Builder b = Tuak.builder().key(tuakKey).macBits(macBits).resBits(resBits).ckBits(ckBits)
                            .ikBits(ikBits).keccakIterations(keccakIterations);
                    return (variant.opc != null
                            ? b.topc(Hex.decode("TOPc", variant.opc, Tuak.TOP_BYTES))
                            : b.top(Hex.decode("TOP", variant.op, Tuak.TOP_BYTES))).build();
                case "xor":
                    return new XorTestAlgorithm(Hex.decode("K", k, 16));
                default:
                    throw new IllegalArgumentException("unknown --algorithm '" + algorithm + "' (milenage, tuak, xor)");
            }
        }
    }

    static void print(PrintWriter out, String label, byte[] value) {
        out.printf("%-7s %s%n", label + ":", Hex.encode(value));
    }

    @Command(name = "opc", mixinStandardHelpOptions = true, description = "OPc = OP xor E_K(OP) (TS 35.206 §4.1).")
    static final class Opc implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--k", required = true, paramLabel = "HEX", description = "subscriber key K (16 bytes)")
        String k;
        @Option(names = "--op", required = true, paramLabel = "HEX", description = "operator variant OP (16 bytes)")
        String op;

        @Override
        public Integer call() {
            print(spec.commandLine().getOut(), "OPc", Milenage.opc(Hex.decode("K", k, 16), Hex.decode("OP", op, 16)));
            return 0;
        }
    }

    @Command(name = "vector", mixinStandardHelpOptions = true,
            description = {"One authentication vector: RAND, XRES, AUTN, CK, IK, AK, and KASME when --plmn is given.",
                    "For E-UTRAN the AMF separation bit (0x8000) must be set, as an HSS would (TS 33.401 §6.1.1)."})
    static final class Vector implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        SubscriberMixin subscriber;
        @Option(names = "--sqn", required = true, paramLabel = "HEX", description = "SQN (6 bytes)")
        String sqn;
        @Option(names = "--amf", required = true, paramLabel = "HEX", description = "AMF (2 bytes)")
        String amf;
        @Option(names = "--rand", paramLabel = "HEX", description = "RAND (16 bytes); random when omitted")
        String rand;
        @Option(names = "--plmn", paramLabel = "MCCMNC", description = "serving network for KASME, e.g. 00101 or 310410")
        String plmn;

        @Override
        public Integer call() {
            AuthenticationFunctions f = subscriber.keys.functions();
            byte[] sqnBytes = Hex.decode("SQN", sqn, 6);
            byte[] amfBytes = Hex.decode("AMF", amf, 2);
            PlmnId servingNetwork = plmn == null ? null : PlmnId.parse(plmn);
            VectorFactory factory = new VectorFactory(new SecureRandom());
            byte[] r = rand == null ? factory.rand() : Hex.decode("RAND", rand, 16);
            UmtsVector q = f.quintet(r, sqnBytes, amfBytes);
            PrintWriter out = spec.commandLine().getOut();
            print(out, "RAND", q.rand());
            print(out, "XRES", q.xres());
            print(out, "AUTN", q.autn());
            print(out, "CK", q.ck());
            print(out, "IK", q.ik());
            print(out, "AK", f.f2345(r).ak());
            if (servingNetwork != null) {
                print(out, "KASME", factory.kasme(q, servingNetwork));
                if (!VectorFactory.hasSeparationBit(q.autn())) {
                    spec.commandLine().getErr().println(
                            "note: AMF separation bit is 0; a UE refuses this vector on E-UTRAN (TS 33.401 §6.1.1)");
                }
            }
            return 0;
        }
    }

    @Command(name = "auts", mixinStandardHelpOptions = true,
            description = "USIM side of a synchronisation failure: AUTS = SQN_MS xor AK* || MAC-S (TS 33.102 §6.3.3).")
    static final class AutsCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        SubscriberMixin subscriber;
        @Option(names = "--rand", required = true, paramLabel = "HEX", description = "RAND of the failed challenge (16 bytes)")
        String rand;
        @Option(names = "--sqn-ms", required = true, paramLabel = "HEX", description = "SQN_MS, the USIM's highest accepted SQN (6 bytes)")
        String sqnMs;

        @Override
        public Integer call() {
            byte[] auts = Auts.generate(subscriber.keys.functions(), Hex.decode("RAND", rand, 16),
                    SqnPolicy.fromBytes(Hex.decode("SQN_MS", sqnMs, 6)));
            print(spec.commandLine().getOut(), "AUTS", auts);
            return 0;
        }
    }

    @Command(name = "resync", mixinStandardHelpOptions = true,
            description = {"HSS side: verify MAC-S in AUTS and recover SQN_MS (TS 33.102 §6.3.5).",
                    "Exits 1 when MAC-S does not verify."})
    static final class Resync implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        SubscriberMixin subscriber;
        @Option(names = "--rand", required = true, paramLabel = "HEX", description = "RAND the AUTS answers (16 bytes)")
        String rand;
        @Option(names = "--auts", required = true, paramLabel = "HEX", description = "AUTS (14 bytes)")
        String auts;
        @Option(names = "--ind-bits", defaultValue = "5", paramLabel = "N", description = "IND length for the SEQ/IND split (default 5)")
        int indBits;

        @Override
        public Integer call() {
            SqnPolicy policy = new SqnPolicy(indBits, SqnPolicy.DEFAULT.delta(), SqnPolicy.DEFAULT.ageLimit());
            OptionalLong sqnMs = Auts.recover(subscriber.keys.functions(), Hex.decode("RAND", rand, 16),
                    Hex.decode("AUTS", auts, Auts.LENGTH));
            if (sqnMs.isEmpty()) {
                spec.commandLine().getErr().println("openmcim aka resync: MAC-S does not verify (wrong K/OPc or RAND, or a forged AUTS)");
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            print(out, "SQN_MS", SqnPolicy.toBytes(sqnMs.getAsLong()));
            out.printf("%-7s %d%n", "SEQ:", policy.seq(sqnMs.getAsLong()));
            out.printf("%-7s %d%n", "IND:", policy.ind(sqnMs.getAsLong()));
            return 0;
        }
    }

    /** picocli mixin wrapper so each subcommand carries the subscriber options. */
    static final class SubscriberMixin {
        @ArgGroup(exclusive = false, multiplicity = "1", heading = "Subscriber:%n")
        Subscriber keys;
    }
}
