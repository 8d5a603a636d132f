package dev.unbundled.internal.compile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources at test time, as a separate build of an application would, and loads them with a class
 * loader of their own: two builds of the same class name that differ in one line, side by side in one JVM.
 */
final class SourceCompiler {
    private SourceCompiler() {
    }

    /**
     * @param sources source text by binary class name, such as {@code "fixture.Catalog"}
     * @return the directory holding the compiled class files
     */
    static Path compile(Path parent, Map<String, String> sources) {
        try {
            Path dir = Files.createTempDirectory(parent, "build");
            Path src = Files.createDirectories(dir.resolve("src"));
            Path classes = Files.createDirectories(dir.resolve("classes"));
            List<String> args = new ArrayList<>(List.of("-d", classes.toString(),
                    "-classpath", System.getProperty("java.class.path"), "-proc:none", "--release", "17"));
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue(), StandardCharsets.UTF_8);
                args.add(file.toString());
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            if (javac.run(null, errors, errors, args.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("javac failed: " + errors.toString(StandardCharsets.UTF_8));
            }
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a class loader over compiled classes, delegating to the test's class path for everything else */
    static URLClassLoader load(Path classes) {
        try {
            return new URLClassLoader(new URL[] {classes.toUri().toURL()}, SourceCompiler.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return a class loader that defines the compiled classes but finds no class file for them, as for classes
     *     made at run time
     */
    static ClassLoader loadHidingClassFiles(Path classes) {
        return new ClassLoader(SourceCompiler.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                Path file = classes.resolve(name.replace('.', '/') + ".class");
                if (!Files.exists(file)) {
                    throw new ClassNotFoundException(name);
                }
                try {
                    byte[] bytes = Files.readAllBytes(file);
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        };
    }
}
