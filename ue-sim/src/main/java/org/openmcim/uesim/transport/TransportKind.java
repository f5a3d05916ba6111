package org.openmcim.uesim.transport;

/** The {@code --transport} option: SCTP (production) or framed TCP (the lab's shim). */
public enum TransportKind {
    SCTP("sctp"), TCP_FRAMED("tcp-framed");

    private final String option;

    TransportKind(String option) {
        this.option = option;
    }

    public String option() {
        return option;
    }

    /** Parses the option value ({@code sctp} or {@code tcp-framed}). */
    public static TransportKind parse(String s) {
        for (TransportKind k : values()) {
            if (k.option.equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("--transport must be sctp or tcp-framed, got '" + s + "'");
    }
}
