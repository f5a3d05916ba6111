package org.openmcim.config;

/**
 * A configuration file that cannot be used, with a message that names the file, the key and what
 * is wrong, e.g. {@code config/icf.yaml: identities[0].listen: expected HOST:PORT, got "3868"}.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
