package org.mtl4j.run;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mtl4j.Mtl4jException;

class DiskSpaceTest {
    @Test
    void aRunThatCannotFitIsRefusedWithTheNumbers() {
        long need = DiskSpace.estimate(5_000_000, 10_000, 50, 50);
        // 5 M parameters: 20 MB each copy; model + 2 checkpoints of 4 copies = 9 copies, plus logs
        assertTrue(need > 9 * 20_000_000L && need < 400_000_000L, "estimate " + need);
        Mtl4jException e =
                assertThrows(
                        Mtl4jException.class,
                        () -> DiskSpace.check(Path.of("runs/big"), need, 50L * 1024 * 1024));
        assertTrue(
                e.getMessage()
                                .startsWith(
                                        "runs/big: only 50.0 MB free on its disk; this run needs about")
                        && e.getMessage().contains("choose another --out"),
                e.getMessage());
        assertDoesNotThrow(() -> DiskSpace.check(Path.of("runs/big"), need, need));
    }
}
