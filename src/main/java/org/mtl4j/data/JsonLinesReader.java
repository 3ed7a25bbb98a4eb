package org.mtl4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.Mtl4jException;

/**
 * Reads JSON Lines files ({@code .jsonl} or {@code .ndjson}): one JSON object per line, read as a
 * table whose columns are the keys in the order they first appear. A string value is taken as it
 * is, a number or boolean as its JSON text; {@code null} or a missing key is an empty cell (a
 * missing value or label). Arrays of strings or numbers are joined with a space, so a list of
 * tokens can feed a text column; other nested values are refused. Blank lines are skipped. Errors
 * name the file and line.
 */
public final class JsonLinesReader {
    // trailing tokens fail: two objects on one line, or text after the object, would otherwise
    // be dropped without a word
    private static final ObjectMapper MAPPER =
            new ObjectMapper()
                    .enable(
                            com.fasterxml.jackson.core.JsonParser.Feature
                                    .STRICT_DUPLICATE_DETECTION)
                    .enable(
                            com.fasterxml.jackson.databind.DeserializationFeature
                                    .FAIL_ON_TRAILING_TOKENS);

    private JsonLinesReader() {}

    /** Whether {@code file} is named like a JSON Lines file. */
    public static boolean isJsonLines(Path file) {
        String n =
                file.getFileName() == null
                        ? ""
                        : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }

    public static CsvTable read(Path file) {
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                            .toString();
        } catch (NoSuchFileException e) {
            throw new Mtl4jException(
                    file
                            + ": file not found (working directory: "
                            + Path.of("").toAbsolutePath()
                            + "); check the path");
        } catch (CharacterCodingException e) {
            throw new Mtl4jException(file + ": not UTF-8 text; save the file as UTF-8");
        } catch (IOException e) {
            throw new Mtl4jException(file + ": cannot read the file: " + e, e);
        }
        return parse(file, text);
    }

    static CsvTable parse(Path file, String text) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        List<Map<Integer, String>> records = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i].strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty()) {
                continue;
            }
            String where = file + " line " + (i + 1);
            JsonNode node;
            try {
                node = MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                throw new Mtl4jException(
                        where + ": not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (node == null || !node.isObject()) {
                throw new Mtl4jException(
                        where
                                + ": expected a JSON object per line, e.g. {\"text\": \"...\","
                                + " \"label\": 1}; got "
                                + (node == null
                                        ? "nothing"
                                        : node.getNodeType()
                                                .toString()
                                                .toLowerCase(java.util.Locale.ROOT)));
            }
            Map<Integer, String> rec = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                if (f.getKey().isBlank()) {
                    throw new Mtl4jException(where + ": a key is empty; give every field a name");
                }
                int col = columns.computeIfAbsent(f.getKey(), k -> columns.size());
                rec.put(col, cell(where, f.getKey(), f.getValue()));
            }
            records.add(rec);
            lines.add(i + 1);
        }
        if (records.isEmpty()) {
            throw new Mtl4jException(file + ": no records (the file has no JSON object lines)");
        }
        List<String[]> rows = new ArrayList<>(records.size());
        for (Map<Integer, String> rec : records) {
            String[] row = new String[columns.size()];
            java.util.Arrays.fill(row, "");
            rec.forEach((c, v) -> row[c] = v);
            rows.add(row);
        }
        return CsvTable.ofFile(
                file,
                new ArrayList<>(columns.keySet()),
                rows,
                lines.stream().mapToInt(Integer::intValue).toArray());
    }

    private static String cell(String where, String key, JsonNode v) {
        if (v.isNull()) {
            return "";
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode e : v) {
                if (!(e.isTextual() || e.isNumber())) {
                    throw new Mtl4jException(
                            where
                                    + ", key \""
                                    + key
                                    + "\": an array may hold only strings and numbers (they are"
                                    + " joined with spaces), found "
                                    + e.getNodeType()
                                            .toString()
                                            .toLowerCase(java.util.Locale.ROOT));
                }
                parts.add(e.asText());
            }
            return String.join(" ", parts);
        }
        throw new Mtl4jException(
                where
                        + ", key \""
                        + key
                        + "\": nested objects are not read; flatten them into separate keys");
    }
}
