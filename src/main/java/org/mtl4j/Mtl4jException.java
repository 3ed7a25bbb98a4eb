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

    /** The most characters of a value quoted in a message. */
    public static final int CLIP = 80;

    /**
     * {@code value} for quoting in a message: at most {@value #CLIP} characters (longer values end
     * in "..." and say how long they were), with line breaks and other control characters shown as
     * escapes, so that a message stays one short line whatever the input holds.
     */
    public static String clip(String value) {
        return clip(value, CLIP);
    }

    /** {@link #clip(String)} to at most {@code max} characters (at least 16). */
    public static String clip(String value, int max) {
        int limit = Math.max(16, max);
        if (value == null) {
            return "null";
        }
        int n = value.length();
        StringBuilder b = new StringBuilder(Math.min(n, limit) + 24);
        int i = 0;
        for (; i < n && b.length() < limit; i++) {
            char c = value.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (i < n || b.length() > limit) {
            b.setLength(limit - 3);
            return b + "... (" + n + " characters)";
        }
        return b.toString();
    }
}
