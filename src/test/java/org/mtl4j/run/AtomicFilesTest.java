package org.mtl4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.Mtl4jException;

class AtomicFilesTest {
    @TempDir Path dir;

    @Test
    void writesTheWholeContent() throws IOException {
        Path f = dir.resolve("a.json");
        AtomicFiles.writeString(f, "x".repeat(200_000));
        assertEquals(200_000, Files.readString(f).length());
    }

    @Test
    void aFailingWriterKeepsTheOldFileAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("model.bin");
        AtomicFiles.writeString(f, "old");
        assertThrows(
                Mtl4jException.class,
                () ->
                        AtomicFiles.write(
                                f,
                                out -> {
                                    out.write("half of the new".getBytes());
                                    throw new IOException("disk full");
                                }));
        assertEquals("old", Files.readString(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void replaceDirectorySwapsWholeDirectories() throws IOException {
        Path target = dir.resolve("model");
        Files.createDirectories(target);
        Files.writeString(target.resolve("old.txt"), "old");
        Path staged = dir.resolve(".model.staging");
        Files.createDirectories(staged);
        Files.writeString(staged.resolve("new.txt"), "new");
        AtomicFiles.replaceDirectory(staged, target);
        try (Stream<Path> s = Files.list(target)) {
            assertEquals(List.of(target.resolve("new.txt")), s.toList());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(target), s.toList());
        }
    }
}
