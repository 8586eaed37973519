package io.heliosdb.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Main sources of the modules as code only: comments, string literals and text blocks blanked out
 * (newlines kept, so line numbers still hold), for tests that check what code names.
 */
final class JavaCode {
    /** Where the modules live (the tests run in server/). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** One source file: its path relative to {@link #ROOT}, its package and its code without comments. */
    record Source(String path, String pkg, String code) {
        List<String> lines() {
            return code.lines().toList();
        }
    }

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    private JavaCode() {}

    /** The modules in layer order, as the parent POM lists them. */
    static List<String> modules() throws IOException {
        List<String> order = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (m.find()) {
            order.add(m.group(1));
        }
        return order;
    }

    /** Every file under {@code module/src/main/java}, sorted by path. */
    static List<Source> mainSources(String module) throws IOException {
        Path dir = ROOT.resolve(module).resolve("src/main/java");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().map(JavaCode::read).toList();
        }
    }

    private static Source read(Path file) {
        try {
            String code = strip(Files.readString(file));
            Matcher m = PACKAGE.matcher(code);
            String pkg = m.find() ? m.group(1) : "";
            return new Source(ROOT.relativize(file).toString().replace('\\', '/'), pkg, code);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Blanks comments, string and char literals and text blocks; keeps every newline and the length. */
    static String strip(String src) {
        StringBuilder out = new StringBuilder(src);
        int i = 0;
        int n = src.length();
        while (i < n) {
            int end;
            if (src.startsWith("//", i)) {
                end = src.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (src.startsWith("/*", i)) {
                end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                end = src.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
            } else if (src.charAt(i) == '"' || src.charAt(i) == '\'') {
                end = literalEnd(src, i);
            } else {
                i++;
                continue;
            }
            for (int j = i; j < end; j++) {
                if (out.charAt(j) != '\n') {
                    out.setCharAt(j, ' ');
                }
            }
            i = end;
        }
        return out.toString();
    }

    /** The index after the closing quote of the literal opening at {@code start}. */
    private static int literalEnd(String src, int start) {
        char quote = src.charAt(start);
        int j = start + 1;
        while (j < src.length() && src.charAt(j) != quote && src.charAt(j) != '\n') {
            j += src.charAt(j) == '\\' ? 2 : 1;
        }
        return Math.min(j + 1, src.length());
    }
}
