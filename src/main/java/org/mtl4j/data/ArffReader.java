package org.mtl4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mtl4j.Mtl4jException;

/**
 * Reads Weka's ARFF files (Attribute-Relation File Format) into a {@link CsvTable}, so that every
 * mtl4j feature and label setting works on them: {@code @relation}, {@code @attribute} lines of
 * type {@code numeric}/{@code real}/{@code integer}, {@code string}, {@code date} and nominal
 * {@code {a, b, c}}, then {@code @data} rows, dense or sparse ({@code {index value, ...}}), with
 * {@code '} or {@code "} quoting and Weka's backslash escapes ({@code \n}, {@code \t}, {@code \'}
 * …), {@code ?} for a missing value (read as an empty cell) and {@code %} comments. Keywords are
 * case-insensitive. Relational attributes and instance weights are refused with a message.
 *
 * <p>Checked: numeric cells are numbers, nominal cells are declared values, every dense row has one
 * value per attribute; errors name the file and line.
 */
public final class ArffReader {
    private ArffReader() {}

    /** Whether {@code file} is named {@code *.arff}. */
    public static boolean isArff(Path file) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString();
        return n.toLowerCase(Locale.ROOT).endsWith(".arff");
    }

    private enum Kind {
        NUMERIC,
        STRING,
        NOMINAL,
        DATE
    }

    private record Attribute(String name, Kind kind, List<String> values) {}

    public static CsvTable read(Path file) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .decode(java.nio.ByteBuffer.wrap(bytes))
                            .toString();
        } catch (NoSuchFileException e) {
            throw new Mtl4jException(file + ": file not found; check the path");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new Mtl4jException(file + ": not UTF-8 text; save the ARFF file as UTF-8", e);
        } catch (IOException e) {
            throw new Mtl4jException(file + ": cannot read the file: " + e.getMessage(), e);
        }
        String[] lines = text.split("\r\n|\n|\r", -1);
        List<Attribute> attributes = new ArrayList<>();
        int i = 0;
        boolean data = false;
        for (; i < lines.length && !data; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("%")) {
                continue;
            }
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("@relation")) {
                continue;
            } else if (lower.startsWith("@attribute")) {
                attributes.add(attribute(file, i + 1, line.substring("@attribute".length())));
            } else if (lower.startsWith("@data")) {
                data = true;
            } else {
                throw new Mtl4jException(
                        where(file, i + 1)
                                + ": expected @relation, @attribute or @data, found \""
                                + clip(line)
                                + "\"");
            }
        }
        if (!data) {
            throw new Mtl4jException(file + ": no @data section; not an ARFF file?");
        }
        if (attributes.isEmpty()) {
            throw new Mtl4jException(file + ": no @attribute lines before @data");
        }
        List<String> names = new ArrayList<>();
        for (Attribute a : attributes) {
            names.add(a.name());
        }
        List<String[]> rows = new ArrayList<>();
        List<Integer> rowLines = new ArrayList<>();
        for (; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("%")) {
                continue;
            }
            rows.add(row(file, i + 1, line, attributes));
            rowLines.add(i + 1);
        }
        if (rows.isEmpty()) {
            throw new Mtl4jException(file + ": no data rows after @data");
        }
        return CsvTable.ofFile(
                file, names, rows, rowLines.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Attribute attribute(Path file, int line, String rest) {
        String r = rest.strip();
        Tokens t = new Tokens(file, line, r);
        String name = r.startsWith("'") || r.startsWith("\"") ? t.value() : t.word();
        if (name == null || name.isBlank()) {
            throw new Mtl4jException(where(file, line) + ": @attribute without a name");
        }
        String type = t.rest().strip();
        String lower = type.toLowerCase(Locale.ROOT);
        if (type.startsWith("{")) {
            if (!type.endsWith("}")) {
                throw new Mtl4jException(
                        where(file, line)
                                + ": nominal values of \""
                                + name
                                + "\" lack a closing }");
            }
            Tokens v = new Tokens(file, line, type.substring(1, type.length() - 1));
            Set<String> values = new LinkedHashSet<>();
            while (v.more()) {
                String x = v.value();
                if (!values.add(x)) {
                    throw new Mtl4jException(
                            where(file, line) + ": \"" + name + "\" declares \"" + x + "\" twice");
                }
                v.comma();
            }
            return new Attribute(name, Kind.NOMINAL, List.copyOf(values));
        }
        if (lower.equals("numeric") || lower.equals("real") || lower.equals("integer")) {
            return new Attribute(name, Kind.NUMERIC, List.of());
        }
        if (lower.equals("string")) {
            return new Attribute(name, Kind.STRING, List.of());
        }
        if (lower.startsWith("date")) {
            return new Attribute(name, Kind.DATE, List.of());
        }
        throw new Mtl4jException(
                where(file, line)
                        + ": attribute \""
                        + name
                        + "\" has type \""
                        + clip(type)
                        + "\"; supported: numeric, real, integer, string, date, {nominal values}");
    }

    private static String[] row(Path file, int line, String text, List<Attribute> attributes) {
        String[] cells = new String[attributes.size()];
        if (text.startsWith("{")) {
            if (!text.endsWith("}")) {
                throw new Mtl4jException(where(file, line) + ": sparse row without a closing }");
            }
            for (int k = 0; k < cells.length; k++) {
                Attribute a = attributes.get(k);
                // omitted sparse values are 0: the number 0, or a nominal's first value
                cells[k] =
                        switch (a.kind()) {
                            case NUMERIC -> "0";
                            case NOMINAL -> a.values().isEmpty() ? "" : a.values().get(0);
                            default -> "";
                        };
            }
            Tokens t = new Tokens(file, line, text.substring(1, text.length() - 1));
            while (t.more()) {
                String index = t.word();
                int k;
                try {
                    k = Integer.parseInt(index);
                } catch (NumberFormatException e) {
                    throw new Mtl4jException(
                            where(file, line)
                                    + ": sparse index \""
                                    + clip(index)
                                    + "\" is not a number");
                }
                if (k < 0 || k >= cells.length) {
                    throw new Mtl4jException(
                            where(file, line)
                                    + ": sparse index "
                                    + k
                                    + " outside 0.."
                                    + (cells.length - 1));
                }
                cells[k] = check(file, line, attributes.get(k), t.value());
                t.comma();
            }
            return cells;
        }
        Tokens t = new Tokens(file, line, text);
        for (int k = 0; k < cells.length; k++) {
            if (!t.more()) {
                throw new Mtl4jException(
                        where(file, line)
                                + ": "
                                + k
                                + " values, expected "
                                + cells.length
                                + " (one per @attribute)");
            }
            cells[k] = check(file, line, attributes.get(k), t.value());
            if (k < cells.length - 1) {
                t.comma();
            }
        }
        if (t.more()) {
            String rest = t.rest().strip();
            throw new Mtl4jException(
                    where(file, line)
                            + (rest.startsWith(",{") || rest.startsWith("{")
                                    ? ": instance weights are not supported"
                                    : ": more values than the "
                                            + cells.length
                                            + " attributes (\""
                                            + clip(rest)
                                            + "\")"));
        }
        return cells;
    }

    private static String check(Path file, int line, Attribute a, String v) {
        if (v == null) {
            return ""; // ? = missing
        }
        switch (a.kind()) {
            case NUMERIC -> {
                if (Double.isNaN(CsvTable.parseNumber(v))) {
                    throw new Mtl4jException(
                            where(file, line)
                                    + ", attribute \""
                                    + a.name()
                                    + "\": \""
                                    + clip(v)
                                    + "\" is not a number");
                }
            }
            case NOMINAL -> {
                if (!a.values().contains(v)) {
                    throw new Mtl4jException(
                            where(file, line)
                                    + ", attribute \""
                                    + a.name()
                                    + "\": \""
                                    + clip(v)
                                    + "\" is not one of its declared values "
                                    + a.values());
                }
            }
            default -> {}
        }
        return v;
    }

    /** Values of an ARFF line: quoted or bare, separated by commas (and spaces in sparse rows). */
    private static final class Tokens {
        private final Path file;
        private final int line;
        private final String s;
        private int pos;

        Tokens(Path file, int line, String s) {
            this.file = file;
            this.line = line;
            this.s = s;
        }

        boolean more() {
            skipSpace();
            return pos < s.length();
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        String rest() {
            return s.substring(Math.min(pos, s.length()));
        }

        /** A bare word up to whitespace or a comma. */
        String word() {
            skipSpace();
            int start = pos;
            while (pos < s.length()
                    && !Character.isWhitespace(s.charAt(pos))
                    && s.charAt(pos) != ',') {
                pos++;
            }
            return s.substring(start, pos);
        }

        /** The next value, unquoted and unescaped; null for the missing value {@code ?}. */
        String value() {
            skipSpace();
            if (pos >= s.length()) {
                throw new Mtl4jException(where(file, line) + ": a value is missing at the end");
            }
            char q = s.charAt(pos);
            if (q == '\'' || q == '"') {
                StringBuilder b = new StringBuilder();
                pos++;
                while (pos < s.length() && s.charAt(pos) != q) {
                    char c = s.charAt(pos++);
                    if (c == '\\' && pos < s.length()) {
                        char e = s.charAt(pos++);
                        b.append(
                                switch (e) {
                                    case 'n' -> '\n';
                                    case 't' -> '\t';
                                    case 'r' -> '\r';
                                    default -> e; // \' \" \\ \% and any other: the character
                                });
                    } else {
                        b.append(c);
                    }
                }
                if (pos >= s.length()) {
                    throw new Mtl4jException(
                            where(file, line) + ": a value quoted with " + q + " is not closed");
                }
                pos++;
                return b.toString();
            }
            int start = pos;
            while (pos < s.length() && s.charAt(pos) != ',' && s.charAt(pos) != '}') {
                pos++;
            }
            String v = s.substring(start, pos).strip();
            return v.equals("?") ? null : v;
        }

        /** Skips one comma (or, at the end, nothing). */
        void comma() {
            skipSpace();
            if (pos < s.length()) {
                if (s.charAt(pos) != ',') {
                    throw new Mtl4jException(
                            where(file, line)
                                    + ": expected a comma at column "
                                    + (pos + 1)
                                    + ", found \""
                                    + clip(s.substring(pos))
                                    + "\"");
                }
                pos++;
            }
        }
    }

    private static String where(Path file, int line) {
        return file + " line " + line;
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
