package org.openmcim.diameter.netty;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import org.openmcim.diameter.DiameterHeader;
import org.openmcim.diameter.InvalidMessage;
import org.openmcim.diameter.ResultCode;

/**
 * Splits a Diameter byte stream into frames (RFC 6733 §3: the Message Length in octets 1..3
 * counts the whole message), declared as {@code LengthFieldBasedFrameDecoder(max, 1, 3, -4, 0)}.
 *
 * <p>Emits a {@link ByteBuf} per frame, or an {@link InvalidMessage} instead of throwing:
 * <ul>
 * <li>A frame longer than the limit: its first 20 octets are kept for the answer's identifiers,
 *     the rest is skipped as it arrives, and the stream stays in step (5012
 *     DIAMETER_UNABLE_TO_COMPLY, connection kept).</li>
 * <li>A first octet other than 1, or a Message Length below 20: the stream cannot be resynchronised
 *     (RFC 6733 §7.1.5 5011 / 5015); the value says {@code closeConnection} and every later octet on
 *     this connection is dropped.</li>
 * </ul>
 * One instance per channel (it keeps stream state).
 */
public final class DiameterFrameDecoder extends LengthFieldBasedFrameDecoder {
    private final int maxMessageSize;
    /** Octets of an oversize frame still to skip. */
    private long discarding;
    /** Set after an unrecoverable fault: drop everything. */
    private boolean broken;

    public DiameterFrameDecoder(int maxMessageSize) {
        // RFC 6733 §3: length field at offset 1, 3 octets, counting the whole message (hence -4).
        super(maxMessageSize, 1, 3, -4, 0, true);
        this.maxMessageSize = maxMessageSize;
    }

    /** Returns a frame, an {@link InvalidMessage}, or null when more octets are needed. */
    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        if (discarding > 0) {
            int n = (int) Math.min(discarding, in.readableBytes());
            in.skipBytes(n);
            discarding -= n;
            if (discarding > 0) {
                return null;
            }
        }
        if (in.readableBytes() < 4) {
            return null;
        }
        int r = in.readerIndex();
        int version = in.getUnsignedByte(r);
        int length = in.getUnsignedMedium(r + 1);
        if (version != DiameterHeader.VERSION || length < DiameterHeader.SIZE) {
            // The frame boundary is lost whatever follows: keep the header if it is here, then stop.
            DiameterHeader h = in.readableBytes() >= DiameterHeader.SIZE ? header(in) : null;
            broken = true;
            in.skipBytes(in.readableBytes());
            return version != DiameterHeader.VERSION
                    ? new InvalidMessage(ResultCode.DIAMETER_UNSUPPORTED_VERSION,
                            "version " + version + " is not Diameter version 1; stream closed", h, List.of(), null, true)
                    : new InvalidMessage(ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH,
                            "Message Length " + length + " is below the 20-octet header; stream closed", h, List.of(),
                            null, true);
        }
        if (length > maxMessageSize) {
            if (in.readableBytes() < DiameterHeader.SIZE) {
                return null; // wait for the header: the answer needs its identifiers
            }
            DiameterHeader h = header(in);
            int n = Math.min(length, in.readableBytes());
            in.skipBytes(n);
            discarding = length - n;
            return new InvalidMessage(ResultCode.DIAMETER_UNABLE_TO_COMPLY,
                    "message of " + length + " octets exceeds the limit of " + maxMessageSize, h, List.of(), null, false);
        }
        return super.decode(ctx, in);
    }

    private static DiameterHeader header(ByteBuf in) {
        byte[] b = ByteBufUtil.getBytes(in, in.readerIndex(), DiameterHeader.SIZE);
        return new DiameterHeader(b[0] & 0xFF, (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF), b[4] & 0xFF,
                (b[5] & 0xFF) << 16 | (b[6] & 0xFF) << 8 | (b[7] & 0xFF), in.getInt(in.readerIndex() + 8),
                in.getInt(in.readerIndex() + 12), in.getInt(in.readerIndex() + 16));
    }
}
