package io.heliosdb.resp.latency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Redis' sparkline.c as LATENCY GRAPH uses it: filled bars four rows high, labels underneath. */
final class Sparkline {
    private static final String FILL = "_o#";
    private static final int LABEL_MARGIN_TOP = 1;

    private final List<Double> values = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private double min;
    private double max;
    private int labelCount;

    void add(double value, String label) {
        if (values.isEmpty()) {
            min = max = value;
        } else if (value < min) {
            min = value;
        } else if (value > max) {
            max = value;
        }
        String l = label == null || label.isEmpty() ? null : label;
        values.add(value);
        labels.add(l);
        if (l != null) {
            labelCount++;
        }
    }

    /** sparklineRender: the samples in chunks of {@code columns}, each {@code rows} high. */
    void render(StringBuilder out, int columns, int rows) {
        for (int j = 0; j < values.size(); j += columns) {
            int len = Math.min(columns, values.size() - j);
            if (j != 0) {
                out.append('\n');
            }
            renderRange(out, rows, j, len);
        }
    }

    private void renderRange(StringBuilder out, int rows, int offset, int len) {
        double relmax = max - min;
        int steps = FILL.length() * rows;
        if (relmax == 0) {
            relmax = 1;
        }
        char[] chars = new char[len];
        int row = 0;
        boolean loop = true;
        while (loop) {
            loop = false;
            Arrays.fill(chars, ' ');
            for (int j = 0; j < len; j++) {
                double relval = values.get(j + offset) - min;
                int step = (int) ((int) (relval * steps) / relmax); // C: (int)(relval*steps)/relmax, truncated
                if (step < 0) {
                    step = 0;
                }
                if (step >= steps) {
                    step = steps - 1;
                }
                if (row < rows) {
                    int charidx = step - ((rows - row - 1) * FILL.length());
                    loop = true;
                    if (charidx >= 0 && charidx < FILL.length()) {
                        chars[j] = FILL.charAt(charidx);
                    } else if (charidx >= FILL.length()) {
                        chars[j] = '|';
                    }
                } else {
                    if (labelCount > 0 && row - rows < LABEL_MARGIN_TOP) {
                        loop = true;
                        break;
                    }
                    String label = labels.get(j + offset);
                    if (label != null) {
                        int labelChar = row - rows - LABEL_MARGIN_TOP;
                        if (label.length() > labelChar) {
                            loop = true;
                            chars[j] = label.charAt(labelChar);
                        }
                    }
                }
            }
            if (loop) {
                row++;
                out.append(chars).append('\n');
            }
        }
    }
}
