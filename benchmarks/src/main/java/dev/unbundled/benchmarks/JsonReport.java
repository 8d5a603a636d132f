package dev.unbundled.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Writes {@link Results} as JSON, with each figure's ratio and whether it met its target spelt out. */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /**
     * @param results the results
     * @param file where to write them; its directory is created
     */
    public static void write(Results results, Path file) {
        JsonNode earlier = earlier(results, file);
        ObjectNode root = MAPPER.createObjectNode();
        root.put("startedAt", results.startedAt().toString());
        root.put("seconds", Math.round(results.seconds() * 10) / 10.0);
        root.set("machine", MAPPER.valueToTree(results.machine()));
        root.set("settings", MAPPER.valueToTree(results.settings()));
        root.set("streamsSettingsOfBothSides", MAPPER.valueToTree(results.streamsSettings()));
        ArrayNode figures = root.putArray("figures");
        if (earlier != null) {
            // a run of some runs only keeps the other runs' figures, as the Markdown report keeps their rows
            root.put("otherRunsKeptFrom", earlier.path("startedAt").asText());
            for (JsonNode figure : earlier.path("figures")) {
                if (!results.settings().includes(figure.path("run").asText())) {
                    figures.add(figure);
                }
            }
        }
        for (Figure figure : results.figures()) {
            ObjectNode node = figures.addObject();
            node.put("run", figure.run());
            node.put("metric", figure.metric());
            node.put("unit", figure.unit());
            node.put("higherIsBetter", figure.higherIsBetter());
            node.set("measured", MAPPER.valueToTree(figure.measured()));
            if (figure.baseline() != null) {
                node.set("baseline", MAPPER.valueToTree(figure.baseline()));
                node.put("ratio", figure.ratio());
            }
            if (figure.target() != null) {
                node.put("target", figure.target().text());
                node.put("targetMet", figure.meetsTarget());
            }
            node.set("details", MAPPER.valueToTree(figure.details()));
        }
        sortByRun(figures);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            MAPPER.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }

    private static JsonNode earlier(Results results, Path file) {
        if (results.settings().only().isEmpty() || !Files.exists(file)) {
            return null;
        }
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }

    private static void sortByRun(ArrayNode figures) {
        List<JsonNode> sorted = new ArrayList<>();
        figures.forEach(sorted::add);
        sorted.sort(Comparator.comparingInt(figure -> Settings.RUNS.indexOf(figure.path("run").asText())));
        figures.removeAll();
        sorted.forEach(figures::add);
    }
}
