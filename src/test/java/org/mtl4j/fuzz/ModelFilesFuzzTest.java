package org.mtl4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.mtl4j.Mtl4jException;
import org.mtl4j.run.ModelFiles;

/**
 * Any bytes given as a saved model's {@code model.json}: described, or refused with the project's
 * own error naming the file; never another exception, and never a model description with widths
 * outside their bounds. Fuzzed for real with {@code mvn verify -Pfuzz}; in the normal build the
 * inputs under src/test/resources/.../ModelFilesFuzzTestInputs (a real model.json among them) run
 * as regression cases.
 */
class ModelFilesFuzzTest {
    private static final Path FILE = FuzzSupport.scratch("model.json");

    @FuzzTest(maxDuration = "60s")
    void anyModelJsonLoadsOrIsRefusedClearly(byte[] input) {
        FuzzSupport.write(FILE, input);
        try {
            ModelFiles.Description d = ModelFiles.describe(FILE.getParent());
            assertTrue(d.spec().embeddingDim() <= 1 << 16, "bounded widths");
        } catch (Mtl4jException e) {
            FuzzSupport.clear(e);
            assertTrue(e.getMessage().contains("model.json"), "names the file: " + e.getMessage());
        }
    }
}
