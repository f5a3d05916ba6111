package org.openmcim.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ServiceLifetimeTest {
    @Test
    void closesInTheGivenOrderAndSkipsAbsentResources() {
        List<String> closed = new ArrayList<>();
        ServiceLifetime.closingInOrder(() -> closed.add("server"), null, () -> closed.add("metrics"), () -> closed.add("member")).run();
        assertEquals(List.of("server", "metrics", "member"), closed);
    }

    @Test
    void aFailingCloseDoesNotKeepTheRestOpenAndIsReported() {
        List<String> closed = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("server stuck");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> ServiceLifetime.closingInOrder(
                () -> { throw boom; }, () -> closed.add("metrics"), () -> { throw new java.io.IOException("member"); }).run());
        assertSame(boom, thrown);
        assertEquals(List.of("metrics"), closed);
        assertEquals(1, thrown.getSuppressed().length);
        assertEquals("member", thrown.getSuppressed()[0].getCause().getMessage());
    }
}
