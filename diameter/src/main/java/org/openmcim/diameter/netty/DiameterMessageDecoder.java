package org.openmcim.diameter.netty;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;

import org.openmcim.diameter.DiameterCodec;

/**
 * Turns each frame from {@link DiameterFrameDecoder} into a {@link org.openmcim.diameter.DiameterMessage}
 * or an {@link org.openmcim.diameter.InvalidMessage}; never throws on bad input.
 * {@code InvalidMessage}s from the frame decoder pass through untouched. Stateless: sharable.
 */
@io.netty.channel.ChannelHandler.Sharable
public final class DiameterMessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    private final DiameterCodec codec;

    public DiameterMessageDecoder(DiameterCodec codec) {
        super(ByteBuf.class);
        this.codec = codec;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(codec.decode(frame));
    }
}
