package org.mtl4j;

/**
 * A problem the user can fix: a bad config value, a missing file, a malformed data cell. The
 * message names the file, line, field or value and says what to do; the CLI prints it as one line
 * and exits non-zero, without a stack trace.
 */
public class Mtl4jException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Mtl4jException(String message) {
        super(message);
    }

    public Mtl4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
