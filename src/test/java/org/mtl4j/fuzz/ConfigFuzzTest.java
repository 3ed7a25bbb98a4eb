package org.mtl4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.mtl4j.Mtl4jException;
import org.mtl4j.config.ConfigLoader;

/**
 * Any bytes given as a YAML config: loaded, or refused with the project's own error naming the
 * file; never another exception. Fuzzed for real with {@code mvn verify -Pfuzz}; in the normal
 * build the inputs under src/test/resources/.../ConfigFuzzTestInputs run as regression cases.
 */
class ConfigFuzzTest {
    private static final Path FILE = FuzzSupport.scratch("fuzzed.yaml");

    @FuzzTest(maxDuration = "60s")
    void anyConfigLoadsOrIsRefusedClearly(byte[] input) {
        FuzzSupport.write(FILE, input);
        try {
            ConfigLoader.load(FILE);
        } catch (Mtl4jException e) {
            FuzzSupport.clear(e);
            assertTrue(e.getMessage().contains("fuzzed.yaml"), "names the file: " + e.getMessage());
        }
    }
}
