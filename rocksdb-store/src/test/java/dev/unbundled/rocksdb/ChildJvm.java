package dev.unbundled.rocksdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link CrashChild} in its own JVM, on this JVM's class path: its last status line, its log (a file), and
 * {@link #kill()}, which sends SIGKILL ({@code Process.destroyForcibly()} on Linux). {@link #close()} kills it
 * too, so a test that fails midway leaves no JVM behind.
 */
final class ChildJvm implements AutoCloseable {
    /** The exit status of a process killed by SIGKILL (128 + 9). */
    static final int KILLED_BY_SIGKILL = 137;

    private final Process process;
    private final Path log;
    private final AtomicReference<Status> last = new AtomicReference<>();
    private final AtomicReference<Ready> ready = new AtomicReference<>();
    private final List<String> otherLines = new ArrayList<>();

    /** What the child said last: the payments its count view holds, and its input lag. */
    record Status(long applied, long lag) {
    }

    /** How long the child's views took to answer after its runtime started, and what its tasks restored. */
    record Ready(long millis, long restored) {
    }

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread reader = new Thread(this::readStatus, "child-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static ChildJvm start(Path log, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            return new ChildJvm(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the child JVM: " + command, e);
        }
    }

    private void readStatus() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(CrashChild.READY)) {
                    String[] parts = line.split(" ");
                    ready.set(new Ready(Long.parseLong(parts[1]), Long.parseLong(parts[3])));
                } else if (line.startsWith(CrashChild.APPLIED)) {
                    String[] parts = line.split(" ");
                    last.set(new Status(Long.parseLong(parts[1]), Long.parseLong(parts[3])));
                } else {
                    synchronized (otherLines) {
                        otherLines.add(line);
                    }
                }
            }
        } catch (IOException killed) {
            // the stream ends with the process
        }
    }

    /** @return the child's last status line, or null before its views answered */
    Status status() {
        return last.get();
    }

    /** @return when the child's views first answered, and what it had restored; null before */
    Ready ready() {
        return ready.get();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGKILL and waits for the process to end.
     *
     * @return its exit status: {@link #KILLED_BY_SIGKILL} unless it had ended before
     */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Child JVM " + process.pid() + " outlived SIGKILL by 30 s");
        }
        return process.exitValue();
    }

    /** @return the end of the child's log and anything else it printed, for a failure's message */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            synchronized (otherLines) {
                lines.addAll(otherLines);
            }
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
