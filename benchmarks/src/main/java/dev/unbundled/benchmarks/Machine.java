package dev.unbundled.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.io.InputStream;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the figures were measured on: they mean little without it.
 *
 * @param cores processors the JVM sees
 * @param cpu the processor model, where the operating system tells it
 * @param memoryGiB physical memory
 * @param maxHeapMiB the JVM's heap limit
 * @param jvm the JVM's name, vendor and version
 * @param os the operating system
 * @param kafka the Kafka client and Streams version
 */
public record Machine(int cores, String cpu, long memoryGiB, long maxHeapMiB, String jvm, String os, String kafka) {

    /** @return the machine this JVM runs on */
    public static Machine current() {
        long memory = ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(),
                Math.round(memory / (1024.0 * 1024 * 1024)), Runtime.getRuntime().maxMemory() / (1024 * 1024),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.vendor") + " "
                        + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                kafkaVersion());
    }

    private static String kafkaVersion() {
        // the file Kafka's own clients read their version from
        try (InputStream in = KafkaStreams.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            Properties version = new Properties();
            if (in != null) {
                version.load(in);
            }
            return version.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "unknown";
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith("model name")).map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
