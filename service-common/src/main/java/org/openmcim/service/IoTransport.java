package org.openmcim.service;

import java.util.concurrent.ThreadFactory;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Which Netty I/O transport the TCP event loops run: Linux's native epoll where its library loads,
 * else the JDK's NIO selector. Channels must match the loop they are registered on, so a bootstrap
 * takes its channel classes from the transport of its group ({@link #of}), never from a constant.
 *
 * <p>Why epoll: at part load most of an answer's CPU is the wake-up path, not the protocol work
 * (issue #3, docs/benchmarks.md), and the native transport needs fewer system calls and no
 * selected-key bookkeeping per wake-up. SCTP has no epoll channel in Netty, so an SCTP listener keeps
 * a NIO loop of its own.
 */
public enum IoTransport {
    EPOLL, NIO;

    /** The system property that forces NIO ({@code -Dopenmcim.io=nio}), for comparisons and for a platform where epoll misbehaves. */
    public static final String PROPERTY = "openmcim.io";

    /** Epoll where its native library loads and {@value #PROPERTY} does not say {@code nio}; else NIO. */
    public static IoTransport preferred() {
        return !"nio".equalsIgnoreCase(System.getProperty(PROPERTY, "")) && Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * The transport of {@code group}'s loops (a group not made here counts as NIO, Netty's default).
     * Looks at the group's first loop through its iterator: {@code next()} would advance the group's
     * round robin, so that a bootstrap asking this before each connect would put every connection of
     * a two-loop group on the same loop.
     */
    public static IoTransport of(EventLoopGroup group) {
        return group.iterator().next() instanceof IoEventLoop loop && loop.isCompatible(EpollIoHandle.class) ? EPOLL : NIO;
    }

    /** A group of {@code threads} loops on this transport. */
    public EventLoopGroup group(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, handlerFactory());
    }

    public IoHandlerFactory handlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> channel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
