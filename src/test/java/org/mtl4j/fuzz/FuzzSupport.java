package org.mtl4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mtl4j.Mtl4jException;

/** Shared by the fuzz tests: one scratch file per test class, and the error contract. */
final class FuzzSupport {
    private FuzzSupport() {}

    /** A scratch file named {@code name} in a fresh temporary directory. */
    static Path scratch(String name) {
        try {
            Path dir = Files.createTempDirectory("mtl4j-fuzz");
            dir.toFile().deleteOnExit();
            Path f = dir.resolve(name);
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path f, byte[] bytes) {
        try {
            Files.write(f, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A refusal must say what is wrong: a non-blank message. */
    static void clear(Mtl4jException e) {
        assertFalse(
                e.getMessage() == null || e.getMessage().isBlank(),
                "an error without a message: " + e);
    }
}
