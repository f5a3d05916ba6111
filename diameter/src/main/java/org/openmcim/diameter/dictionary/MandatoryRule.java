package org.openmcim.diameter.dictionary;

/**
 * The 'M' bit rule of an AVP as the AVP tables give it (RFC 6733 §4.5 columns MUST / MUST NOT;
 * 3GPP tables also use MAY).
 */
public enum MandatoryRule {
    /** The sender sets the M bit. */
    MUST,
    /** The sender chooses. */
    MAY,
    /** The sender clears the M bit. */
    MUST_NOT;

    /** Whether {@code mandatoryBit} agrees with this rule. */
    public boolean allows(boolean mandatoryBit) {
        return switch (this) {
            case MUST -> mandatoryBit;
            case MAY -> true;
            case MUST_NOT -> !mandatoryBit;
        };
    }
}
