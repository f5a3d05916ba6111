package org.openmcim.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class StartUpTest {
    @Test
    void aFailedStartClosesWhatStartedNewestFirst() {
        List<String> closed = new ArrayList<>();
        IllegalStateException portTaken = new IllegalStateException("port in use");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> {
            try (StartUp up = new StartUp()) {
                up.started(() -> closed.add("member"));
                up.started(null); // an optional part not configured
                up.started(() -> closed.add("metrics"));
                throw portTaken;
            }
        });
        assertSame(portTaken, thrown);
        assertEquals(List.of("metrics", "member"), closed);
    }

    @Test
    void aCloseThatFailsDuringTheRollbackIsSuppressedNotLost() {
        List<String> closed = new ArrayList<>();
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> {
            try (StartUp up = new StartUp()) {
                up.started(() -> closed.add("member"));
                up.started(() -> {
                    throw new java.io.IOException("stuck");
                });
                throw new IllegalStateException("listener failed");
            }
        });
        assertEquals("listener failed", thrown.getMessage());
        assertEquals(List.of("member"), closed, "the rest is closed after a close fails");
        assertEquals(1, thrown.getSuppressed().length);
    }

    @Test
    void aSuccessfulStartClosesNothing() {
        List<String> closed = new ArrayList<>();
        try (StartUp up = new StartUp()) {
            up.started(() -> closed.add("member"));
            up.succeeded();
        }
        assertEquals(List.of(), closed);
    }
}
