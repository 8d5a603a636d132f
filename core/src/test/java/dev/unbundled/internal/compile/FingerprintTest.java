package dev.unbundled.internal.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.unbundled.Topic;
import dev.unbundled.View;
import dev.unbundled.ViewDefinition;
import dev.unbundled.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A view's fingerprint covers its plan and its code: the same definition, built again or in another JVM, keeps
 * its fingerprint; a change to a function's body, a captured value, a serde or the version changes it. Two builds
 * of a class are compiled at test time and loaded side by side, as two deploys of a service would run them.
 */
class FingerprintTest {
    private static final Topic<String, String> NAMES = Topic.of("products", Serdes.String(), Serdes.String());
    private static final Topic<String, String> PRICES = Topic.of("prices", Serdes.String(), Serdes.String());

    @TempDir
    Path builds;

    record Limit(int min) {
    }

    @Test
    void of_sameDefinitionBuiltTwice_isTheSame() {
        Fingerprint first = fingerprint(FingerprintFixture.notes());
        Fingerprint second = fingerprint(FingerprintFixture.notes());

        assertThat(second.hex()).isEqualTo(first.hex()).hasSize(12);
        assertThat(first.unreadable()).isEmpty();
    }

    @Test
    void of_anotherJvm_isTheSame() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                FingerprintChild.class.getName()).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
        } finally {
            child.destroyForcibly();
        }

        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).endsWith(fingerprint(FingerprintFixture.notes()).hex() + " []");
    }

    @Test
    void of_lambdaBodyChanged_differs() {
        Fingerprint lower = compiled(".mapValues(name -> name.toLowerCase(), Serdes.String())");
        Fingerprint upper = compiled(".mapValues(name -> name.toUpperCase(), Serdes.String())");

        assertThat(upper.hex()).isNotEqualTo(lower.hex());
    }

    @Test
    void of_sameSourceBuiltTwice_isTheSame() {
        Fingerprint first = compiled(".mapValues(name -> name.toLowerCase(), Serdes.String())");
        Fingerprint second = compiled(".mapValues(name -> name.toLowerCase(), Serdes.String())");

        assertThat(second.hex()).isEqualTo(first.hex());
        assertThat(first.unreadable()).isEmpty();
    }

    @Test
    void of_filterChanged_differs() {
        Fingerprint longerThanThree = compiled(".filter((id, name) -> name.length() > 3)");
        Fingerprint longerThanFour = compiled(".filter((id, name) -> name.length() > 4)");

        assertThat(longerThanFour.hex()).isNotEqualTo(longerThanThree.hex());
    }

    @Test
    void of_joinerChanged_differs() {
        String join = ".join(View.from(Topic.of(\"prices\", Serdes.String(), Serdes.String())), %s)"
                + ".withValueSerde(Serdes.String())";
        Fingerprint nameFirst = compiled(String.format(join, "(name, price) -> name + price"));
        Fingerprint priceFirst = compiled(String.format(join, "(name, price) -> price + name"));

        assertThat(priceFirst.hex()).isNotEqualTo(nameFirst.hex());
    }

    @Test
    void of_capturedValueChanged_differs() {
        assertThat(fingerprint(longerThan(3)).hex()).isEqualTo(fingerprint(longerThan(3)).hex())
                .isNotEqualTo(fingerprint(longerThan(4)).hex());
    }

    @Test
    void of_fieldOfCapturedObjectChanged_differs() {
        assertThat(fingerprint(atLeast(new Limit(3))).hex()).isEqualTo(fingerprint(atLeast(new Limit(3))).hex())
                .isNotEqualTo(fingerprint(atLeast(new Limit(4))).hex());
    }

    @Test
    void of_capturedSetInAnotherOrder_isTheSameAndAnotherSetDiffers() {
        Fingerprint ab = fingerprint(oneOf(new LinkedHashSet<>(List.of("a", "b"))));
        Fingerprint ba = fingerprint(oneOf(new LinkedHashSet<>(List.of("b", "a"))));
        Fingerprint ac = fingerprint(oneOf(new LinkedHashSet<>(List.of("a", "c"))));

        assertThat(ba.hex()).isEqualTo(ab.hex());
        assertThat(ac.hex()).isNotEqualTo(ab.hex());
    }

    @Test
    void of_serdeChanged_differs() {
        Fingerprint text = fingerprint(mappedWith(Serdes.String()));
        Fingerprint json = fingerprint(mappedWith(Json.serde(String.class)));

        assertThat(json.hex()).isNotEqualTo(text.hex());
        assertThat(fingerprint(mappedWith(Serdes.String())).hex()).isEqualTo(text.hex());
    }

    @Test
    void of_settingOfJsonSerdesMapperChanged_differs() {
        Fingerprint plain = fingerprint(View.from(Topic.of("limits", Serdes.String(),
                Json.serde(Limit.class, new ObjectMapper()))).materialize("limits"));
        Fingerprint snakeCase = fingerprint(View.from(Topic.of("limits", Serdes.String(),
                Json.serde(Limit.class, new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE))))
                .materialize("limits"));
        Fingerprint plainAgain = fingerprint(View.from(Topic.of("limits", Serdes.String(),
                Json.serde(Limit.class, new ObjectMapper()))).materialize("limits"));

        assertThat(snakeCase.hex()).isNotEqualTo(plain.hex());
        assertThat(plainAgain.hex()).isEqualTo(plain.hex());
    }

    @Test
    void of_codeOfSerdeClassChanged_differs() {
        String serde = """
                package fixture;
                import java.nio.charset.StandardCharsets;
                import org.apache.kafka.common.serialization.*;
                public class NameSerde implements Serde<String> {
                    public Serializer<String> serializer() {
                        return (topic, name) -> name.getBytes(StandardCharsets.%s);
                    }
                    public Deserializer<String> deserializer() {
                        return (topic, bytes) -> new String(bytes, StandardCharsets.%<s);
                    }
                }
                """;
        Fingerprint utf8 = withSerdeClass(String.format(serde, "UTF_8"));
        Fingerprint latin1 = withSerdeClass(String.format(serde, "ISO_8859_1"));

        assertThat(latin1.hex()).isNotEqualTo(utf8.hex());
        assertThat(withSerdeClass(String.format(serde, "UTF_8")).hex()).isEqualTo(utf8.hex());
    }

    @Test
    void of_recordOfJsonSerdeChanged_differs() {
        Fingerprint nameOnly = withJsonRecord("public record Product(String name) { }");
        Fingerprint withPrice = withJsonRecord("public record Product(String name, long price) { }");

        assertThat(withPrice.hex()).isNotEqualTo(nameOnly.hex());
        assertThat(withJsonRecord("public record Product(String name) { }").hex()).isEqualTo(nameOnly.hex());
    }

    @Test
    void of_codeOfNamedFunctionClassChanged_differs() {
        String mapper = """
                package fixture;
                public class Clean implements java.util.function.Function<String, String> {
                    public String apply(String name) { return name.%s(); }
                }
                """;
        Fingerprint trim = withMapperClass(String.format(mapper, "trim"));
        Fingerprint strip = withMapperClass(String.format(mapper, "strip"));

        assertThat(strip.hex()).isNotEqualTo(trim.hex());
    }

    @Test
    void of_bodyOfMethodReferencedChanged_differs() {
        String order = """
                package fixture;
                public record Order(String id, String productId) {
                    public String productId() { return productId.%s(); }
                }
                """;
        String notes = """
                package fixture;
                import dev.unbundled.*;
                import org.apache.kafka.common.serialization.*;
                public class Notes implements java.util.function.Supplier<ViewDefinition<String, String>> {
                    @SuppressWarnings("unchecked")
                    public ViewDefinition<String, String> get() {
                        // a serde that does not name Order (the view never runs): only Order::productId does
                        Serde<Order> orders = (Serde<Order>) (Serde<?>) Serdes.ByteArray();
                        return View.from(Topic.of("orders", Serdes.String(), orders))
                                .join(View.from(Topic.of("products", Serdes.String(), Serdes.String())),
                                        Order::productId, (o, name) -> name)
                                .materialize("notes", Serdes.String());
                    }
                }
                """;
        Fingerprint trim = build("fixture.Notes", Map.of("fixture.Order", String.format(order, "trim"),
                "fixture.Notes", notes));
        Fingerprint upper = build("fixture.Notes", Map.of("fixture.Order", String.format(order, "toUpperCase"),
                "fixture.Notes", notes));

        assertThat(upper.hex()).isNotEqualTo(trim.hex());
    }

    @Test
    void of_versionBumped_differs() {
        ViewDefinition<String, String> catalog = mappedWith(Serdes.String());

        assertThat(fingerprint(catalog.version("2")).hex()).isNotEqualTo(fingerprint(catalog.version("1")).hex())
                .isEqualTo(fingerprint(mappedWith(Serdes.String()).version("2")).hex());
    }

    @Test
    void of_lookedUpGlobalViewChanged_differs() {
        ViewDefinition<String, String> prices = View.from(PRICES).materialize("prices").global();

        assertThat(fingerprint(pricedBy(prices.version("2"))).hex())
                .isNotEqualTo(fingerprint(pricedBy(prices)).hex());
    }

    @Test
    void of_classWithoutClassFile_isListedAsUnreadable() {
        Path classes = SourceCompiler.compile(builds, Map.of("fixture.Catalog",
                catalogSource(".mapValues(name -> name.toLowerCase(), Serdes.String())")));
        ClassLoader runtimeDefined = SourceCompiler.loadHidingClassFiles(classes);

        Fingerprint fingerprint = fingerprint(definitionFrom(runtimeDefined, "fixture.Catalog"));

        assertThat(fingerprint.unreadable()).singleElement().asString()
                .startsWith("view 'catalog': the mapper of step 2 (map-values), class fixture.Catalog: no class file");
    }

    @Test
    void of_functionComposedByTheJdk_isListedAsUnreadable() {
        Function<String, String> trim = String::trim;
        ViewDefinition<String, String> composed = View.from(NAMES)
                .mapValues(trim.andThen(String::toLowerCase), Serdes.String()).materialize("catalog");

        assertThat(fingerprint(composed).unreadable()).singleElement().asString()
                .startsWith("view 'catalog': the mapper of step 2 (map-values): the values held by"
                        + " java.util.function.Function$$Lambda cannot be read");
    }

    private static ViewDefinition<String, String> longerThan(int min) {
        return View.from(NAMES).filter((id, name) -> name.length() > min).materialize("catalog");
    }

    private static ViewDefinition<String, String> atLeast(Limit limit) {
        return View.from(NAMES).filter((id, name) -> name.length() >= limit.min()).materialize("catalog");
    }

    private static ViewDefinition<String, String> oneOf(Set<String> allowed) {
        return View.from(NAMES).filter((id, name) -> allowed.contains(name)).materialize("catalog");
    }

    private static ViewDefinition<String, String> mappedWith(Serde<String> serde) {
        return View.from(NAMES).mapValues(name -> name.trim(), serde).materialize("catalog");
    }

    private static ViewDefinition<String, String> pricedBy(ViewDefinition<String, String> prices) {
        return View.from(NAMES).lookup(prices, name -> name, (name, price) -> name + price)
                .materialize("priced", Serdes.String());
    }

    private Fingerprint withSerdeClass(String serde) {
        Path classes = SourceCompiler.compile(builds, Map.of("fixture.NameSerde", serde));
        try (URLClassLoader loader = SourceCompiler.load(classes)) {
            @SuppressWarnings("unchecked")
            Serde<String> instance = (Serde<String>) newInstance(loader, "fixture.NameSerde");
            return fingerprint(mappedWith(instance));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Fingerprint withJsonRecord(String record) {
        Path classes = SourceCompiler.compile(builds, Map.of("fixture.Product", "package fixture;\n" + record));
        try (URLClassLoader loader = SourceCompiler.load(classes)) {
            Class<?> product = loader.loadClass("fixture.Product");
            return fingerprint(View.from(Topic.of("products", Serdes.String(), Json.serde(product)))
                    .materialize("catalog"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private Fingerprint withMapperClass(String mapper) {
        Path classes = SourceCompiler.compile(builds, Map.of("fixture.Clean", mapper));
        try (URLClassLoader loader = SourceCompiler.load(classes)) {
            @SuppressWarnings("unchecked")
            Function<String, String> clean = (Function<String, String>) newInstance(loader, "fixture.Clean");
            return fingerprint(View.from(NAMES).mapValues(clean, Serdes.String()).materialize("catalog"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the fingerprint of {@code View.from(products)<steps>.materialize("catalog")}, built on its own */
    private Fingerprint compiled(String steps) {
        return build("fixture.Catalog", Map.of("fixture.Catalog", catalogSource(steps)));
    }

    private Fingerprint build(String supplier, Map<String, String> sources) {
        try (URLClassLoader loader = SourceCompiler.load(SourceCompiler.compile(builds, sources))) {
            return fingerprint(definitionFrom(loader, supplier));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String catalogSource(String steps) {
        return """
                package fixture;
                import dev.unbundled.*;
                import org.apache.kafka.common.serialization.Serdes;
                public class Catalog implements java.util.function.Supplier<ViewDefinition<String, String>> {
                    public ViewDefinition<String, String> get() {
                        return View.from(Topic.of("products", Serdes.String(), Serdes.String()))
                                %s
                                .materialize("catalog");
                    }
                }
                """.formatted(steps);
    }

    @SuppressWarnings("unchecked")
    private static ViewDefinition<?, ?> definitionFrom(ClassLoader loader, String supplier) {
        return ((Supplier<ViewDefinition<?, ?>>) newInstance(loader, supplier)).get();
    }

    private static Object newInstance(ClassLoader loader, String className) {
        try {
            return Class.forName(className, true, loader).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Fingerprint fingerprint(ViewDefinition<?, ?> definition) {
        return Fingerprint.of((DefinitionImpl<?, ?>) definition);
    }

}
