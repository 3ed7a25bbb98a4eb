package org.mtl4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.mtl4j.Mtl4jException;

/**
 * Reads Apache Parquet files into a {@link CsvTable}, through the embedded DuckDB engine (no
 * Hadoop). Every value becomes its text, as if read from a CSV file: numbers in their shortest
 * form, SQL NULL as an empty cell, and a list value (e.g. {@code genres: ["Action", "Comedy"]}) as
 * its elements joined by {@code |}, ready for {@code data.multi_valued: {genres: "|"}}.
 */
public final class ParquetTables {
    private ParquetTables() {}

    /** Whether {@code file} is read as Parquet (by its {@code .parquet} extension). */
    public static boolean isParquet(Path file) {
        return file.getFileName() != null
                && file.getFileName()
                        .toString()
                        .toLowerCase(java.util.Locale.ROOT)
                        .endsWith(".parquet");
    }

    /**
     * Reads every row of a Parquet file. Rows are reported as "line r + 2" in messages, as for a
     * CSV file with a header.
     *
     * @throws Mtl4jException if the file is missing, is not a Parquet file or has no rows
     */
    public static CsvTable read(Path file) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new Mtl4jException(
                    name
                            + ": file not found (working directory: "
                            + Path.of("").toAbsolutePath()
                            + "); check the path, relative paths are resolved against the working"
                            + " directory");
        }
        String sql =
                "SELECT * FROM read_parquet('"
                        + file.toAbsolutePath().toString().replace("'", "''")
                        + "')";
        List<String> columns = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            for (int i = 1; i <= n; i++) {
                columns.add(md.getColumnLabel(i));
            }
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 1; i <= n; i++) {
                    row[i - 1] = text(rs.getObject(i));
                }
                rows.add(row);
            }
        } catch (SQLException e) {
            throw new Mtl4jException(
                    name + ": cannot read it as a Parquet file: " + firstLine(e.getMessage()), e);
        }
        if (rows.isEmpty()) {
            throw new Mtl4jException(name + ": no data rows");
        }
        return CsvTable.of(name, columns, rows);
    }

    private static String text(Object v) throws SQLException {
        if (v == null) {
            return "";
        }
        if (v instanceof Array a) {
            Object[] items = (Object[]) a.getArray();
            StringJoiner j = new StringJoiner("|");
            for (Object item : items) {
                if (item != null) {
                    j.add(String.valueOf(item));
                }
            }
            return j.toString();
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        if (v instanceof Float f && f == Math.rint(f) && Math.abs(f) < 1e7) {
            return Long.toString(f.longValue());
        }
        return String.valueOf(v);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
