package org.mtl4j.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.mtl4j.Mtl4jException;

/**
 * An immutable table of string cells read from a CSV file (RFC 4180), with the physical line on
 * which every record starts, so that errors about a cell can name its file, line and column.
 *
 * <p>Accepted format: UTF-8 text, optionally starting with a byte-order mark; the first record is
 * the header of column names (non-empty and distinct); fields are separated by commas; a field may
 * be enclosed in double quotes, in which case it may contain commas, line breaks and quotes written
 * as {@code ""}; records end with CRLF, LF or CR, and the last line break is optional. Completely
 * empty lines are skipped (as pandas does), so in a one-column file an empty value must be written
 * as {@code ""}. A quote inside an unquoted field is kept literally (a lenient extension of RFC
 * 4180). Every record must have as many fields as the header.
 *
 * <p>Cells are returned exactly as written (quotes removed, no trimming).
 */
public final class CsvTable {

    /**
     * The most characters in one record (one data row, all its fields): a longer one is refused
     * with its line number, rather than read into memory and quoted in a message.
     */
    public static final int MAX_RECORD_CHARS = 16 << 20;

    private static final Pattern NUMBER =
            Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final Path source;
    private final String name;
    private final List<String> columns;
    private final Map<String, Integer> index;
    private final List<String[]> rows;
    private final int[] lines;

    private CsvTable(
            String name, Path source, List<String> columns, List<String[]> rows, int[] ls) {
        this.name = name;
        this.source = source;
        this.columns = List.copyOf(columns);
        this.index = new HashMap<>();
        for (int c = 0; c < this.columns.size(); c++) {
            String col = this.columns.get(c);
            if (col.isBlank()) {
                throw new Mtl4jException(
                        name
                                + " line 1: column "
                                + (c + 1)
                                + " has an empty name (give every column a name)");
            }
            if (index.putIfAbsent(col, c) != null) {
                throw new Mtl4jException(
                        name
                                + " line 1: column name \""
                                + Mtl4jException.clip(col)
                                + "\" appears twice (rename one of them)");
            }
        }
        this.rows = rows;
        this.lines = ls;
    }

    /**
     * Reads a CSV file (or, for a {@code .parquet} file, a Parquet file: {@link ParquetTables}; for
     * an {@code .arff} file, Weka's format: {@link ArffReader}; for a {@code .jsonl} or {@code
     * .ndjson} file, one JSON object per line: {@link JsonLinesReader}). Throws {@link
     * Mtl4jException} when the file is missing or unreadable, is not UTF-8, has no data rows, has
     * an empty or duplicate column name, has a record whose field count differs from the header's,
     * or has an unterminated quoted field.
     */
    public static CsvTable read(Path file) {
        requireRegularFile(file);
        if (ParquetTables.isParquet(file)) {
            return ParquetTables.read(file);
        }
        if (ArffReader.isArff(file)) {
            return ArffReader.read(file);
        }
        if (JsonLinesReader.isJsonLines(file)) {
            return JsonLinesReader.read(file);
        }
        String name = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Mtl4jException(
                    name
                            + ": file not found (working directory: "
                            + Path.of("").toAbsolutePath()
                            + "); check the path, relative paths are resolved against the working directory");
        } catch (IOException e) {
            throw new Mtl4jException(name + ": cannot read the file: " + e, e);
        }
        String text = decode(name, bytes);
        CsvParser parser = new CsvParser(name, text);
        List<String[]> records = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        parser.parse(records, starts);
        if (records.size() < 2) {
            String what =
                    records.isEmpty() ? "the file is empty" : "the file has only a header line";
            throw new Mtl4jException(
                    name
                            + ": no data rows ("
                            + what
                            + "; add a header line followed by data rows)");
        }
        List<String> header = List.of(records.get(0));
        List<String[]> data = records.subList(1, records.size());
        int[] lines = new int[data.size()];
        for (int r = 0; r < data.size(); r++) {
            lines[r] = starts.get(r + 1);
            checkWidth(name, header, data.get(r), lines[r]);
        }
        return new CsvTable(name, file, header, new ArrayList<>(data), lines);
    }

    /**
     * Refuses a path that exists but is not a regular file (a device such as /dev/zero, a pipe, a
     * directory), which would be read forever or not at all.
     */
    public static void requireRegularFile(Path file) {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            String what = Files.isDirectory(file) ? "a directory" : "a device, pipe or socket";
            throw new Mtl4jException(
                    file + ": not a regular file (" + what + "); give the path of a data file");
        }
    }

    /**
     * An in-memory table named {@code sourceName} (used in messages). Row r is reported as line r +
     * 2, as if written below a header line. Zero rows are allowed. The row arrays are copied.
     */
    public static CsvTable of(String sourceName, List<String> columns, List<String[]> rows) {
        Objects.requireNonNull(sourceName, "sourceName");
        List<String[]> copy = new ArrayList<>(rows.size());
        int[] lines = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r).clone();
            for (String cell : row) {
                Objects.requireNonNull(cell, "cell");
            }
            lines[r] = r + 2;
            checkWidth(sourceName, columns, row, lines[r]);
            copy.add(row);
        }
        return new CsvTable(sourceName, Path.of(sourceName), columns, copy, lines);
    }

    /** A table read from {@code file} by another reader, with each row's line number there. */
    static CsvTable ofFile(Path file, List<String> columns, List<String[]> rows, int[] lines) {
        return new CsvTable(file.toString(), file, columns, rows, lines);
    }

    /** The rows at the given indices, in that order, keeping their line numbers. */
    public CsvTable select(int[] rowIndices) {
        List<String[]> picked = new ArrayList<>(rowIndices.length);
        int[] ls = new int[rowIndices.length];
        for (int i = 0; i < rowIndices.length; i++) {
            picked.add(rows.get(rowIndices[i]));
            ls[i] = lines[rowIndices[i]];
        }
        return new CsvTable(name, source, columns, picked, ls);
    }

    /** The file this table was read from (or the name given to {@link #of}). */
    public Path source() {
        return source;
    }

    /** Column names in file order. */
    public List<String> columns() {
        return columns;
    }

    /** Number of data rows (the header is not counted). */
    public int rows() {
        return rows.size();
    }

    /** The cell at a 0-based data row and column, exactly as written (never null). */
    public String cell(int row, int column) {
        return rows.get(row)[column];
    }

    /** The 1-based physical line of the file on which data row {@code row} starts. */
    public int line(int row) {
        return lines[row];
    }

    /** The index of the named column, or −1 if there is none. */
    public int columnIndex(String columnName) {
        Integer i = index.get(columnName);
        return i == null ? -1 : i;
    }

    /**
     * The index of the named column; throws {@link Mtl4jException} listing the available columns if
     * absent. {@code purpose} says what the column is for, e.g. {@code label of task "price"}.
     */
    public int requireColumn(String columnName, String purpose) {
        int i = columnIndex(columnName);
        if (i < 0) {
            throw new Mtl4jException(
                    name
                            + ": column \""
                            + Mtl4jException.clip(columnName)
                            + "\" ("
                            + purpose
                            + ") not found; columns are: "
                            + Mtl4jException.clip(String.join(", ", columns), 300)
                            + " (column names are case-sensitive; fix the name in the config or the file)");
        }
        return i;
    }

    /** {@code file line N, column "c"}: the location of a cell, for messages. */
    String where(int row, int column) {
        return name + " line " + lines[row] + ", column \"" + columns.get(column) + "\"";
    }

    /** The name used for this table in messages. */
    String name() {
        return name;
    }

    /**
     * Parses a decimal number such as {@code 3}, {@code -0.5}, {@code .5} or {@code 1e-3}
     * (surrounding whitespace allowed); returns NaN if {@code text} is anything else, including
     * NaN, Infinity, hexadecimal or a value that overflows a double.
     */
    static double parseNumber(String text) {
        String t = text.strip();
        if (!NUMBER.matcher(t).matches()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(t);
        return Double.isFinite(v) ? v : Double.NaN;
    }

    private static void checkWidth(String name, List<String> header, String[] row, int line) {
        if (row.length != header.size()) {
            throw new Mtl4jException(
                    name
                            + " line "
                            + line
                            + ": found "
                            + row.length
                            + " fields, expected "
                            + header.size()
                            + " (the header has columns: "
                            + Mtl4jException.clip(String.join(", ", header), 300)
                            + "); quote fields that contain commas, e.g. \"a, b\"");
        }
    }

    private static String decode(String name, byte[] bytes) {
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new Mtl4jException(
                    name
                            + " line "
                            + line
                            + ": the file is not valid UTF-8 text (save it as UTF-8)");
        }
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** A one-pass RFC 4180 record splitter that tracks physical line numbers. */
    private static final class CsvParser {
        private final String name;
        private final String text;
        private int pos;
        private int line = 1;

        CsvParser(String name, String text) {
            this.name = name;
            this.text = text;
        }

        void parse(List<String[]> records, List<Integer> starts) {
            while (pos < text.length()) {
                if (isBreak(text.charAt(pos))) {
                    skipBreak();
                    continue;
                }
                starts.add(line);
                records.add(record());
            }
        }

        private String[] record() {
            List<String> fields = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            int begin = pos;
            int first = line;
            while (true) {
                sb.setLength(0);
                if (pos < text.length() && text.charAt(pos) == '"') {
                    quoted(sb, begin, first);
                } else {
                    while (pos < text.length()
                            && text.charAt(pos) != ','
                            && !isBreak(text.charAt(pos))) {
                        sb.append(text.charAt(pos++));
                        checkLength(begin, first);
                    }
                }
                fields.add(sb.toString());
                if (pos < text.length() && text.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                if (pos < text.length()) {
                    skipBreak();
                }
                return fields.toArray(new String[0]);
            }
        }

        private void checkLength(int begin, int first) {
            if (pos - begin > MAX_RECORD_CHARS) {
                throw new Mtl4jException(
                        name
                                + " line "
                                + first
                                + ": a record longer than "
                                + MAX_RECORD_CHARS
                                + " characters (is this a CSV file? a quote that is never closed?"
                                + " split the data or shorten the text)");
            }
        }

        private void quoted(StringBuilder sb, int begin, int first) {
            int start = line;
            pos++;
            while (true) {
                checkLength(begin, first);
                if (pos >= text.length()) {
                    throw new Mtl4jException(
                            name
                                    + " line "
                                    + start
                                    + ": unterminated quoted field (the opening \" is never"
                                    + " closed; add the closing quote, and write a quote inside a quoted field as"
                                    + " \"\")");
                }
                char c = text.charAt(pos);
                if (c == '"' && pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
                    sb.append('"');
                    pos += 2;
                } else if (c == '"') {
                    pos++;
                    break;
                } else if (isBreak(c)) {
                    int from = pos;
                    skipBreak();
                    sb.append(text, from, pos);
                } else {
                    sb.append(c);
                    pos++;
                }
            }
            if (pos < text.length() && text.charAt(pos) != ',' && !isBreak(text.charAt(pos))) {
                throw new Mtl4jException(
                        name
                                + " line "
                                + line
                                + ": unexpected text after a closing quote: '"
                                + text.charAt(pos)
                                + "' (write a quote inside a quoted field as \"\")");
            }
        }

        private void skipBreak() {
            if (text.charAt(pos) == '\r'
                    && pos + 1 < text.length()
                    && text.charAt(pos + 1) == '\n') {
                pos++;
            }
            pos++;
            line++;
        }

        private static boolean isBreak(char c) {
            return c == '\n' || c == '\r';
        }
    }
}
