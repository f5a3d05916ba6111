package org.openmcim.icf.peer;

import java.util.List;
import java.util.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.sctp.SctpMessage;
import io.netty.handler.codec.MessageToMessageCodec;

/**
 * Diameter over SCTP (RFC 6733 §2.1.1): each SCTP user message carries Diameter bytes with payload
 * protocol identifier 46 (Diameter in clear text). Inbound user messages (already reassembled by
 * Netty's SctpMessageCompletionHandler) become plain bytes for the same frame decoder TCP uses;
 * outbound bytes go on stream 0 with PPID 46. PPID 0 (unspecified) is accepted as well, because
 * peers written before RFC 6733 assigned 46 send it; any other PPID is not Diameter and is dropped.
 */
final class SctpFraming extends MessageToMessageCodec<SctpMessage, ByteBuf> {
    /** RFC 6733 §2.1.1 and the IANA SCTP Payload Protocol Identifiers registry. */
    static final int DIAMETER_PPID = 46;
    private static final Logger LOG = Logger.getLogger(SctpFraming.class.getName());

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
        out.add(new SctpMessage(DIAMETER_PPID, 0, bytes.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, SctpMessage msg, List<Object> out) {
        int ppid = msg.protocolIdentifier();
        if (ppid != DIAMETER_PPID && ppid != 0) {
            LOG.fine(() -> "SCTP message with PPID " + ppid + " (not Diameter) from " + ctx.channel().remoteAddress() + " dropped");
            return;
        }
        out.add(msg.content().retain());
    }
}
