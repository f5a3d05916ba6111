package org.openmcim.diameter.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.DiameterMessage;

/** Writes {@link DiameterMessage}s in their wire form (RFC 6733 §3, §4). Stateless: sharable. */
@io.netty.channel.ChannelHandler.Sharable
public final class DiameterMessageEncoder extends MessageToByteEncoder<DiameterMessage> {
    private final DiameterCodec codec;

    public DiameterMessageEncoder(DiameterCodec codec) {
        super(DiameterMessage.class);
        this.codec = codec;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, DiameterMessage msg, boolean preferDirect) {
        // The length is known: allocate exactly once (heap, so the codec writes into the array).
        return ctx.alloc().heapBuffer(msg.length());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, DiameterMessage msg, ByteBuf out) {
        codec.encode(msg, out);
    }
}
