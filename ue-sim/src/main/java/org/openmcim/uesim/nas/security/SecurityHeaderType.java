package org.openmcim.uesim.nas.security;

/** TS 24.301 §9.3.1 security header types 0-4 (type 12, service request, is not used here). */
public enum SecurityHeaderType {
    PLAIN(false, false),
    INTEGRITY_PROTECTED(true, false),
    INTEGRITY_PROTECTED_CIPHERED(true, false),
    INTEGRITY_PROTECTED_NEW_CONTEXT(true, true),
    INTEGRITY_PROTECTED_CIPHERED_NEW_CONTEXT(true, true);

    private final boolean integrity;
    private final boolean newContext;

    SecurityHeaderType(boolean integrity, boolean newContext) {
        this.integrity = integrity;
        this.newContext = newContext;
    }

    public int code() {
        return ordinal();
    }

    public boolean ciphered() {
        return this == INTEGRITY_PROTECTED_CIPHERED || this == INTEGRITY_PROTECTED_CIPHERED_NEW_CONTEXT;
    }

    public boolean integrityProtected() {
        return integrity;
    }

    public boolean newContext() {
        return newContext;
    }
}
