package org.mtl4j.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.mtl4j.Mtl4jException;

/**
 * SHA-256 checksums of every file of a directory, in a {@code SHA256SUMS} file in the format of
 * {@code sha256sum} (so {@code cd checkpoints/step-00000120 && sha256sum -c SHA256SUMS} checks a
 * checkpoint by hand). A checkpoint is checked against them before a resume trusts it: a file
 * changed on disk after it was written (a flipped bit, an overwritten block of the same size)
 * otherwise decodes fine and silently changes the rest of the run.
 */
public final class Checksums {
    /** The name of the checksum file. */
    public static final String FILE = "SHA256SUMS";

    private Checksums() {}

    /** Writes {@code dir/SHA256SUMS} for every regular file under {@code dir}, sorted by path. */
    public static void write(Path dir) {
        StringBuilder b = new StringBuilder();
        for (Path f : files(dir)) {
            b.append(sha256(f)).append("  ").append(relative(dir, f)).append('\n');
        }
        AtomicFiles.writeString(dir.resolve(FILE), b.toString());
    }

    /**
     * Checks every file listed in {@code dir/SHA256SUMS}; a directory without one (written before
     * checksums existed) passes.
     *
     * @throws Mtl4jException naming the first file that is missing or whose contents changed
     */
    public static void verify(Path dir) {
        Path sums = dir.resolve(FILE);
        if (!Files.isRegularFile(sums)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(sums, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Mtl4jException(sums + ": unreadable (" + e.getMessage() + ")", e);
        }
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            int sep = line.indexOf("  ");
            if (sep != 64) {
                throw new Mtl4jException(sums + ": damaged (a line is not \"<sha256>  <file>\")");
            }
            Path f = dir.resolve(line.substring(sep + 2)).normalize();
            if (!f.startsWith(dir.normalize())) {
                throw new Mtl4jException(sums + ": damaged (a path leaves the directory)");
            }
            if (!Files.isRegularFile(f)) {
                throw new Mtl4jException(f + ": missing (listed in " + FILE + ")");
            }
            if (!sha256(f).equals(line.substring(0, sep))) {
                throw new Mtl4jException(
                        f
                                + ": checksum mismatch (the file changed after the checkpoint was written)");
            }
        }
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> out = new ArrayList<>();
            s.filter(Files::isRegularFile)
                    .filter(p -> !p.equals(dir.resolve(FILE)))
                    .sorted()
                    .forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new Mtl4jException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String relative(Path dir, Path f) {
        return dir.relativize(f).toString().replace('\\', '/');
    }

    static String sha256(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new Mtl4jException(f + ": unreadable (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
