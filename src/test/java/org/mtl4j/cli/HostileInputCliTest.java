package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.cli.CliTest.Result;
import org.mtl4j.testing.TestData;

/**
 * The command line on broken or hostile input: every problem ends in one short line on stderr and
 * exit code 2, never in a stack trace, a huge message, NaN outputs or a read that never ends.
 */
class HostileInputCliTest {
    @TempDir static Path dir;
    static Path csv;
    static Path run;

    @BeforeAll
    static void train() throws IOException {
        csv = TestData.customersCsv(dir, 200, 4);
        Path config = TestData.customersConfig(dir, csv, "ew", 2);
        run = dir.resolve("run");
        Result r = CliTest.cli("train", config.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.err());
    }

    /** The customers CSV with row {@code row}'s column a replaced by {@code value}. */
    static Path withCell(String name, int row, String value) throws IOException {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(csv));
        String line = lines.get(row + 1);
        lines.set(row + 1, value + line.substring(line.indexOf(',')));
        Path p = dir.resolve(name);
        Files.write(p, lines);
        return p;
    }

    static void assertOneLineError(Result r, String... expected) {
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), err);
        assertTrue(
                err.length() < 400,
                err.length() + " characters: " + err.substring(0, Math.min(300, err.length())));
        for (String e : expected) {
            assertTrue(err.contains(e), "\"" + err + "\" should say \"" + e + "\"");
        }
    }

    @Test
    void predictAndEvalRefuseAFeatureBeyondTheFloatRangeAsTheServerDoes() throws IOException {
        Path big = withCell("big.csv", 6, "1e300");
        Path out = dir.resolve("big-pred.csv");
        Result p =
                CliTest.cli(
                        "predict",
                        run.toString(),
                        "--input",
                        big.toString(),
                        "--output",
                        out.toString());
        System.out.println("predict: " + p.code() + " " + p.err());
        assertOneLineError(p, big + " line 8, column \"a\"", "too large to represent (1e300)");
        assertFalse(Files.exists(out), "no predictions written");
        Result e = CliTest.cli("eval", run.toString(), "--data", big.toString());
        System.out.println("eval: " + e.code() + " " + e.err());
        assertOneLineError(e, big + " line 8, column \"a\"", "too large to represent (1e300)");
        // within the float range, but far enough out that the network overflows
        Path far = withCell("far.csv", 3, "3e38");
        Result f =
                CliTest.cli(
                        "predict",
                        run.toString(),
                        "--input",
                        far.toString(),
                        "--output",
                        out.toString());
        System.out.println("predict: " + f.code() + " " + f.err());
        assertOneLineError(f, far + " line 5: the model's output for task", "is not finite");
        assertFalse(Files.exists(out), "no predictions written");
        Result fe = CliTest.cli("eval", run.toString(), "--data", far.toString());
        System.out.println("eval: " + fe.code() + " " + fe.err());
        assertOneLineError(fe, far + " line 5: the model's output for task", "is not finite");
    }

    @Test
    void aHugeCellGivesAShortMessageAndAnOverlongRecordIsRefused() throws IOException {
        // 2 MB of text in a numeric column: refused, the value quoted clipped
        Path wide = withCell("wide.csv", 2, "x".repeat(2_000_000));
        Result w =
                CliTest.cli(
                        "predict",
                        run.toString(),
                        "--input",
                        wide.toString(),
                        "--output",
                        dir.resolve("w.csv").toString());
        System.out.println("predict: " + w.code() + " " + w.err());
        assertOneLineError(w, wide + " line 4, column \"a\"", "(2000000 characters)");
        // a record over the limit: refused with its line, not read into cells
        Path huge =
                withCell("huge.csv", 5, "y".repeat(org.mtl4j.data.CsvTable.MAX_RECORD_CHARS + 10));
        Result h =
                CliTest.cli(
                        "predict",
                        run.toString(),
                        "--input",
                        huge.toString(),
                        "--output",
                        dir.resolve("h.csv").toString());
        System.out.println("predict: " + h.code() + " " + h.err());
        assertOneLineError(h, huge + " line 7: a record longer than 16777216 characters");
    }

    @Test
    void devicesAndDirectoriesAreNotReadAsData() {
        for (String path : new String[] {"/dev/zero", dir.toString()}) {
            Result r =
                    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                            java.time.Duration.ofSeconds(60),
                            () ->
                                    CliTest.cli(
                                            "predict",
                                            run.toString(),
                                            "--input",
                                            path,
                                            "--output",
                                            dir.resolve("z.csv").toString()));
            System.out.println("predict: " + r.code() + " " + r.err());
            assertOneLineError(r, path + ": not a regular file");
        }
    }

    @Test
    void runningOutOfMemoryIsOneLineSayingWhatToRaise() throws Exception {
        // 60 MB of rows, read by a process with a 48 MiB heap
        Path big = dir.resolve("big.csv");
        try (var w = Files.newBufferedWriter(big)) {
            w.write("a,b,c,color,buy,size,price\n");
            String row = "0.12345,0.54321,-1.23456,green,1,2,10.5\n";
            for (long n = 0; n < 60_000_000L; n += row.length()) {
                w.write(row);
            }
        }
        List<String> cmd =
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dai.djl.offline=true",
                        "-Xmx48m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.mtl4j.cli.Main",
                        "predict",
                        run.toString(),
                        "--input",
                        big.toString(),
                        "--output",
                        dir.resolve("big-pred.csv").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out =
                new String(
                        p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int code = p.waitFor();
        Files.delete(big);
        System.out.println("predict with -Xmx48m: " + code + " " + out);
        assertOneLineError(
                new Result(code, "", out),
                "error: out of memory (the Java heap, at most",
                "during \"predict\"; raise it with MTL4J_JAVA_OPTS=-Xmx");
    }
}
