package dev.unbundled.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of core's sources: internal packages import one way (plan, read, compile, run), no two files
 * import each other, and files and methods stay small. Read from the sources, as a newcomer reads them.
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (dev\\.unbundled[\\w.]*);", Pattern.MULTILINE);
    /** What each internal package may import of the others. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "dev.unbundled.internal.plan", Set.of(),
            "dev.unbundled.internal.compile", Set.of("dev.unbundled.internal.plan", "dev.unbundled.internal.read"),
            "dev.unbundled.internal.read", Set.of(),
            "dev.unbundled.internal.run", Set.of("dev.unbundled.internal.plan", "dev.unbundled.internal.compile",
                    "dev.unbundled.internal.read"));

    /**
     * Files allowed past 500 lines, with the reason. A public builder is one class by design (its settings are
     * reached as {@code HttpTransport.builder().x(...)}), and each of its eleven settings carries its Javadoc
     * and example.
     */
    private static final Map<String, String> LONG_FILES = Map.of(
            "dev.unbundled.remote.HttpTransport", "its public Builder documents eleven settings, each with an example");

    /** Every main source file, by fully qualified class name. */
    private static final Map<String, String> CLASSES = new TreeMap<>();

    @BeforeAll
    static void readSources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !file.getFileName().toString().equals("package-info.java"))
                    .forEach(file -> {
                        String source = read(file);
                        Matcher pkg = PACKAGE.matcher(source);
                        assertThat(pkg.find()).as("package of %s", file).isTrue();
                        String name = file.getFileName().toString().replace(".java", "");
                        CLASSES.put(pkg.group(1) + "." + name, source);
                    });
        }
        assertThat(CLASSES).as("core's main sources").hasSizeGreaterThan(50);
    }

    @Test
    void internalPackages_importOnlyThePackagesBeforeThem() {
        List<String> wrong = new ArrayList<>();
        CLASSES.forEach((name, source) -> {
            String pkg = packageOf(name);
            if (!pkg.startsWith("dev.unbundled.internal")) {
                return;
            }
            for (String imported : imports(source)) {
                String target = packageOf(imported);
                if (target.startsWith("dev.unbundled.internal") && !target.equals(pkg)
                        && !ALLOWED.getOrDefault(pkg, Set.of()).contains(target)) {
                    wrong.add(name + " imports " + imported);
                }
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void internalRoot_holdsNoClass() {
        assertThat(CLASSES.keySet()).noneMatch(name -> packageOf(name).equals("dev.unbundled.internal"));
    }

    @Test
    void files_neverImportEachOther() {
        Set<String> cycles = new TreeSet<>();
        CLASSES.forEach((name, source) -> imports(source).forEach(imported -> {
            String other = CLASSES.get(imported);
            if (other != null && imports(other).contains(name)) {
                cycles.add(name.compareTo(imported) < 0 ? name + " <-> " + imported : imported + " <-> " + name);
            }
        }));
        assertThat(cycles).isEmpty();
    }

    @Test
    void files_haveAtMost500Lines() {
        Map<String, Integer> long_ = new TreeMap<>();
        CLASSES.forEach((name, source) -> {
            int lines = source.split("\n", -1).length;
            if (lines > 500 && !LONG_FILES.containsKey(name)) {
                long_.put(name, lines);
            }
        });
        assertThat(long_).isEmpty();
    }

    @Test
    void methods_haveAtMost60Lines() {
        // a declaration (modifiers, a return type, a name, a parenthesis) or a constructor, in a class or a class
        // nested in it; statements inside methods are indented deeper or do not have that shape
        Pattern signature = Pattern.compile("^( {4}| {8})(?! )(?!(return|throw|new|else|case|yield)\\b)"
                + "([\\w<>\\[\\], ?.@]+\\s+\\w+|(public |protected |private )?[A-Z]\\w*)\\(.*");
        Map<String, Integer> long_ = new TreeMap<>();
        CLASSES.forEach((name, source) -> {
            String[] lines = source.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher method = signature.matcher(lines[i]);
                if (!method.matches() || lines[i].trim().endsWith(";") || lines[i].contains(" = ")) {
                    continue;
                }
                String close = method.group(1) + "}";
                for (int j = i + 1; j < lines.length; j++) {
                    if (lines[j].equals(close)) {
                        if (j - i + 1 > 60) {
                            long_.put(name + ":" + (i + 1), j - i + 1);
                        }
                        break;
                    }
                }
            }
        });
        assertThat(long_).isEmpty();
    }

    /** @return the classes of Unbundled a source imports, nested classes as their top-level class */
    private static Set<String> imports(String source) {
        Set<String> imported = new TreeSet<>();
        Matcher matcher = IMPORT.matcher(source);
        while (matcher.find()) {
            String name = matcher.group(1);
            while (!CLASSES.containsKey(name) && name.contains(".")) {
                name = name.substring(0, name.lastIndexOf('.'));
            }
            if (CLASSES.containsKey(name)) {
                imported.add(name);
            }
        }
        return imported;
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
