/**
 * Netty pipeline pieces for Diameter over TCP (RFC 6733 §2.1), apart from any logic:
 * {@link org.openmcim.diameter.netty.DiameterFrameDecoder} (a {@code LengthFieldBasedFrameDecoder(max, 1, 3, -4, 0)}
 * that turns oversize or unframeable input into {@link org.openmcim.diameter.InvalidMessage}s
 * instead of exceptions), {@link org.openmcim.diameter.netty.DiameterMessageDecoder} and
 * {@link org.openmcim.diameter.netty.DiameterMessageEncoder}; {@link org.openmcim.diameter.netty.DiameterPipeline}
 * adds all three. The handler after them closes the connection when an {@code InvalidMessage}
 * says {@code closeConnection()}, after answering it if it is {@code answerable()}.
 */
package org.openmcim.diameter.netty;
