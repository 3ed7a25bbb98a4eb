package org.mtl4j.data;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.Mtl4jException;
import org.mtl4j.task.Task;
import org.mtl4j.task.TaskType;

/**
 * Reads the labels of one task from the label columns of a {@link CsvTable}, in the encoding of
 * {@link TaskType}. An empty (or whitespace-only) cell means "no label for this row" (observed =
 * false, values 0).
 *
 * <ul>
 *   <li>binary: one column; {@code 0}/{@code 1} (also {@code 0.0}/{@code 1.0}), {@code true}/{@code
 *       false} or {@code yes}/{@code no} (case-insensitive), or, when two class names are given,
 *       those names (the first is 0, the second 1; names win over the words above).
 *   <li>multiclass(k): one column; an integral class index 0..k−1 ({@code 3} or {@code 3.0}), or
 *       one of the k class names, if given (names win over numbers).
 *   <li>multilabel(k): k columns, each a binary value as above; a row is unlabelled when all k
 *       cells are empty, and an error when only some are.
 *   <li>regression(d): d numeric columns; a row is unlabelled when all d cells are empty, and an
 *       error when only some are.
 * </ul>
 *
 * <p>{@code classNames} is used for binary and multiclass tasks only (null or empty = none) and is
 * ignored otherwise. Every problem with a cell throws a {@link Mtl4jException} naming the file,
 * line, column and value.
 */
public final class LabelReader {

    private LabelReader() {}

    /** Labels of {@code task} for every row of {@code table}: rows × labelWidth, row-major. */
    public static TaskLabels read(
            Task task, List<String> labelColumns, List<String> classNames, CsvTable table) {
        TaskType type = task.type();
        List<String> names = classNames == null ? List.of() : List.copyOf(classNames);
        int expected = type.labelWidth();
        checkColumnCount(task, labelColumns);
        int[] cols = new int[expected];
        for (int i = 0; i < expected; i++) {
            cols[i] =
                    table.requireColumn(
                            labelColumns.get(i), "label of task \"" + task.name() + "\"");
        }
        int rows = table.rows();
        float[] values = new float[rows * expected];
        boolean[] observed = new boolean[rows];
        Map<String, Integer> nameIds = classIds(task, names);
        for (int r = 0; r < rows; r++) {
            if (type instanceof TaskType.Binary || type instanceof TaskType.Multiclass) {
                String cell = table.cell(r, cols[0]);
                if (!cell.isBlank()) {
                    values[r] =
                            type instanceof TaskType.Binary
                                    ? binary(table, r, cols[0], names)
                                    : classIndex(task, table, r, cols[0], nameIds);
                    observed[r] = true;
                }
            } else {
                observed[r] = readVector(task, table, r, cols, values);
            }
        }
        return new TaskLabels(rows, expected, values, observed);
    }

    private static void checkColumnCount(Task task, List<String> labelColumns) {
        int expected = task.type().labelWidth();
        if (labelColumns == null || labelColumns.size() != expected) {
            throw new Mtl4jException(
                    "task \""
                            + task.name()
                            + "\" ("
                            + describe(task.type())
                            + ") needs "
                            + expected
                            + " label column"
                            + (expected == 1 ? "" : "s")
                            + ", got "
                            + (labelColumns == null
                                    ? "none"
                                    : labelColumns.size() + ": " + labelColumns)
                            + (expected == 1
                                    ? " (give one column as label: COLUMN)"
                                    : " (give " + expected + " columns as labels: [...])"));
        }
    }

    private static String describe(TaskType type) {
        if (type instanceof TaskType.Multiclass m) {
            return "multiclass with " + m.classes() + " classes";
        } else if (type instanceof TaskType.Multilabel m) {
            return "multilabel with " + m.labels() + " labels";
        } else if (type instanceof TaskType.Regression g) {
            return "regression with " + g.dims() + " dims";
        }
        return type.typeName();
    }

    /** Class name → index for binary/multiclass tasks (empty when no names are given). */
    private static Map<String, Integer> classIds(Task task, List<String> names) {
        Map<String, Integer> ids = new HashMap<>();
        TaskType type = task.type();
        if (names.isEmpty()
                || !(type instanceof TaskType.Binary || type instanceof TaskType.Multiclass)) {
            return ids;
        }
        int k = type instanceof TaskType.Multiclass m ? m.classes() : 2;
        if (names.size() != k) {
            throw new Mtl4jException(
                    "task \""
                            + task.name()
                            + "\": "
                            + names.size()
                            + " class names "
                            + names
                            + " for "
                            + describe(type)
                            + " (give exactly "
                            + k
                            + " class names, or none)");
        }
        for (int i = 0; i < k; i++) {
            if (ids.put(names.get(i), i) != null) {
                throw new Mtl4jException(
                        "task \""
                                + task.name()
                                + "\": class name \""
                                + names.get(i)
                                + "\" is listed twice (class names must be distinct)");
            }
        }
        return ids;
    }

    private static float binary(CsvTable t, int r, int c, List<String> names) {
        String cell = t.cell(r, c);
        int byName = names.indexOf(cell.strip());
        if (byName >= 0) {
            return byName;
        }
        switch (cell.strip().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes":
                return 1f;
            case "0", "false", "no":
                return 0f;
            default:
                double v = CsvTable.parseNumber(cell);
                if (v == 0 || v == 1) {
                    return (float) v;
                }
                throw new Mtl4jException(
                        t.where(r, c)
                                + ": \""
                                + Mtl4jException.clip(cell)
                                + "\" is not a binary label (use 0/1, true/false,"
                                + " yes/no"
                                + (names.isEmpty() ? "" : ", or the class names " + names)
                                + "; leave the cell empty for a missing label)");
        }
    }

    private static float classIndex(
            Task task, CsvTable t, int r, int c, Map<String, Integer> nameIds) {
        String cell = t.cell(r, c);
        Integer byName = nameIds.get(cell.strip());
        if (byName != null) {
            return byName;
        }
        int k = ((TaskType.Multiclass) task.type()).classes();
        double v = CsvTable.parseNumber(cell);
        if (Double.isNaN(v) || v != Math.rint(v)) {
            throw new Mtl4jException(
                    t.where(r, c)
                            + ": \""
                            + Mtl4jException.clip(cell)
                            + "\" is not a class index of multiclass task \""
                            + task.name()
                            + "\" (use an integer 0.."
                            + (k - 1)
                            + (nameIds.isEmpty()
                                    ? ""
                                    : " or one of the class names " + nameIds.keySet())
                            + "; leave the cell empty for a missing label)");
        }
        if (v < 0 || v >= k) {
            String fix =
                    v < 0
                            ? "class indices start at 0; fix the data"
                            : "set classes: " + ((long) v + 1) + " or fix the data";
            throw new Mtl4jException(
                    t.where(r, c)
                            + ": label "
                            + Mtl4jException.clip(cell.strip())
                            + " is outside 0.."
                            + (k - 1)
                            + " for multiclass task \""
                            + task.name()
                            + "\" with "
                            + k
                            + " classes ("
                            + fix
                            + ")");
        }
        return (float) v;
    }

    /** Reads a multilabel or regression row into values; returns whether it is observed. */
    private static boolean readVector(Task task, CsvTable t, int r, int[] cols, float[] values) {
        int empty = 0;
        String firstEmpty = null;
        for (int col : cols) {
            if (t.cell(r, col).isBlank()) {
                empty++;
                firstEmpty = firstEmpty == null ? t.columns().get(col) : firstEmpty;
            }
        }
        if (empty == cols.length) {
            return false;
        }
        if (empty > 0) {
            throw new Mtl4jException(
                    t.name()
                            + " line "
                            + t.line(r)
                            + ": "
                            + empty
                            + " of the "
                            + cols.length
                            + " label columns of task \""
                            + task.name()
                            + "\" are empty (first: column \""
                            + firstEmpty
                            + "\"); fill all of them, or leave all of them empty for a missing"
                            + " label");
        }
        boolean multilabel = task.type() instanceof TaskType.Multilabel;
        for (int i = 0; i < cols.length; i++) {
            values[r * cols.length + i] =
                    multilabel ? binary(t, r, cols[i], List.of()) : regression(t, r, cols[i]);
        }
        return true;
    }

    private static float regression(CsvTable t, int r, int c) {
        String cell = t.cell(r, c);
        double v = CsvTable.parseNumber(cell);
        float f = (float) v;
        if (Double.isNaN(v) || Float.isInfinite(f)) {
            throw new Mtl4jException(
                    t.where(r, c)
                            + ": \""
                            + Mtl4jException.clip(cell)
                            + "\" is not a number"
                            + (Double.isNaN(v) ? "" : " that fits in a 32-bit float")
                            + " (regression labels must be numbers; leave the cell empty for a missing label)");
        }
        return f;
    }
}
