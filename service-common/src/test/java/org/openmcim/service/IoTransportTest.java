package org.openmcim.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.util.concurrent.EventExecutor;

class IoTransportTest {
    @Test
    void aGroupReportsItsTransportWithoutAdvancingItsRoundRobin() {
        for (IoTransport io : Epoll.isAvailable() ? IoTransport.values() : new IoTransport[] {IoTransport.NIO}) {
            EventLoopGroup group = io.group(2, null);
            try {
                EventExecutor first = group.next();
                assertEquals(io, IoTransport.of(group));
                // HttpsClient asks before every connect: the next connection must still go to the other loop.
                assertNotSame(first, group.next(), io + ": of() took a turn of the round robin");
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }
}
