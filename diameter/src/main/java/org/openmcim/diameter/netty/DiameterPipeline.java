package org.openmcim.diameter.netty;

import io.netty.channel.ChannelPipeline;

import org.openmcim.diameter.DiameterCodec;

/** Adds the Diameter codec handlers to a pipeline, Netty-style (decoder pair plus encoder). */
public final class DiameterPipeline {
    public static final String FRAME_DECODER = "diameter-frame-decoder";
    public static final String MESSAGE_DECODER = "diameter-message-decoder";
    public static final String MESSAGE_ENCODER = "diameter-message-encoder";

    private DiameterPipeline() {
    }

    /**
     * Adds frame decoder, message decoder and message encoder at the end of {@code pipeline}. The
     * next inbound handler receives {@link org.openmcim.diameter.DiameterMessage} and
     * {@link org.openmcim.diameter.InvalidMessage} values.
     */
    public static ChannelPipeline addCodec(ChannelPipeline pipeline, DiameterCodec codec) {
        return pipeline.addLast(FRAME_DECODER, new DiameterFrameDecoder(codec.config().maxMessageSize()))
                .addLast(MESSAGE_DECODER, new DiameterMessageDecoder(codec))
                .addLast(MESSAGE_ENCODER, new DiameterMessageEncoder(codec));
    }
}
