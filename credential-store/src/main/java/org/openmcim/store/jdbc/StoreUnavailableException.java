package org.openmcim.store.jdbc;

/** The database could not do what was asked; nothing was acknowledged. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
