package org.mtl4j.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mtl4j.Mtl4jException;

/**
 * Configs written to hurt: nested aliases that expand exponentially, values that would fill the
 * error message, integers beyond the int range. Each ends at once in one short line.
 */
class YamlHardeningTest {
    private static final String BASE =
            String.join(
                    "\n",
                    "name: t",
                    "data:",
                    "  train: d.csv",
                    "  numeric: [a, b]",
                    "tasks:",
                    "  - {name: y, type: binary, label: y}",
                    "");

    private static String error(String yaml) {
        String m =
                assertTimeoutPreemptively(
                        Duration.ofSeconds(20),
                        () ->
                                assertThrows(
                                                Mtl4jException.class,
                                                () ->
                                                        ConfigLoader.fromOptions(
                                                                YamlReader.parse(
                                                                        "c.yaml",
                                                                        new StringReader(yaml)),
                                                                Path.of("/data")))
                                        .getMessage());
        System.out.println(m.length() > 300 ? m.substring(0, 300) + "... (" + m.length() + ")" : m);
        assertFalse(m.contains("\n"), "one line");
        assertTrue(m.length() < 400, m.length() + " characters");
        return m;
    }

    /** Anchors l0..l{levels-1}: l0 is a list of {@code width} scalars, l(k) a list of l(k-1)s. */
    private static String aliases(int levels, int width) {
        StringBuilder b = new StringBuilder("x:\n");
        for (int k = 0; k < levels; k++) {
            b.append("  l").append(k).append(": &l").append(k).append(" [");
            for (int i = 0; i < width; i++) {
                b.append(i > 0 ? ", " : "").append(k == 0 ? "abc" : "*l" + (k - 1));
            }
            b.append("]\n");
        }
        return b.toString();
    }

    @Test
    void aliasBombsAreRefusedAtOnce() {
        // 23 levels of two aliases each: 2^24 values once expanded, 46 aliases (under SnakeYAML's
        // cap of 50 aliases to collections)
        String m = error(aliases(23, 2) + BASE);
        assertTrue(m.contains("the config expands to more than 100000 values"), m);
    }

    @Test
    void anAliasInsideItsOwnAnchorIsRefused() {
        String m = error("x: &r [1, *r]\n" + BASE);
        assertTrue(m.contains("c.yaml line 1: mappings and lists nested more than 100 levels"), m);
    }

    @Test
    void aLargeValueInAMessageIsClipped() {
        // 9^4 = 6561 scalars in one value, within the budget, quoted where an integer belongs
        String m = error(aliases(4, 9) + BASE + "trainer: {epochs: *l3}\n");
        assertTrue(m.contains("trainer.epochs"), m);
    }

    @Test
    void integersBeyondTheIntRangeAreTooLarge() {
        String m = error(BASE + "trainer: {epochs: 2147483648}\n");
        assertTrue(m.contains("trainer.epochs (line 7): 2147483648 is too large"), m);
        m = error(BASE + "trainer: {epochs: 99999999999999999999999}\n");
        assertTrue(m.contains("99999999999999999999999 is too large"), m);
    }
}
