package org.openmcim.uesim.nas;

/**
 * A NAS message that could not be decoded, with the EMM cause a UE would answer in EMM STATUS
 * (TS 24.301 §7: #96 invalid mandatory information, #97 message type non-existent, #99 IE
 * non-existent, #111 protocol error unspecified).
 */
public record NasDecodeError(String reason, int emmCause) implements NasDecodeResult {
    public static final int INVALID_MANDATORY_INFORMATION = 96;
    public static final int MESSAGE_TYPE_NON_EXISTENT = 97;
    public static final int PROTOCOL_ERROR_UNSPECIFIED = 111;
}
