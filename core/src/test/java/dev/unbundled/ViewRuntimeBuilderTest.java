package dev.unbundled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class ViewRuntimeBuilderTest {
    private static final Topic<String, String> NAMES = Topic.of("names", Serdes.String(), Serdes.String());
    private static final ViewDefinition<String, String> VIEW = View.from(NAMES).materialize("names");

    @Test
    void applicationId_setTwice_throwsNamingTheCurrentValue() {
        ViewRuntime.Builder builder = ViewRuntime.builder().applicationId("warehouse");

        assertThatThrownBy(() -> builder.applicationId("other")).isInstanceOf(IllegalStateException.class)
                .hasMessage("applicationId was already set to warehouse");
    }

    @Test
    void bootstrapServers_setTwice_throws() {
        ViewRuntime.Builder builder = ViewRuntime.builder().bootstrapServers("a:9092");

        assertThatThrownBy(() -> builder.bootstrapServers("b:9092")).isInstanceOf(IllegalStateException.class)
                .hasMessage("bootstrapServers was already set to a:9092");
    }

    @Test
    void stateDirAndProperty_setTwice_throw() {
        ViewRuntime.Builder builder = ViewRuntime.builder().stateDir(Path.of("x")).property("num.stream.threads", 2);

        assertThatThrownBy(() -> builder.stateDir(Path.of("y"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stateDir was already set");
        assertThatThrownBy(() -> builder.property("num.stream.threads", 3)).isInstanceOf(IllegalStateException.class)
                .hasMessage("num.stream.threads was already set to 2");
    }

    @Test
    void view_sameNameTwice_throwsNamingTheView() {
        ViewRuntime.Builder builder = ViewRuntime.builder().view(VIEW);

        assertThatThrownBy(() -> builder.view(View.from(NAMES).materialize("names")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'names'");
    }

    @Test
    void createMissingTopics_setTwice_throwsNamingTheCurrentValue() {
        ViewRuntime.Builder builder = ViewRuntime.builder().createMissingTopics(3);

        assertThatThrownBy(() -> builder.createMissingTopics(1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("createMissingTopics was already set to 3");
    }

    @Test
    void createMissingTopics_noPartitions_throwsSayingWhatIsLegal() {
        assertThatThrownBy(() -> ViewRuntime.builder().createMissingTopics(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 partition");
    }

    @Test
    void start_viewLooksUpAGlobalViewOfATopicItAlsoReads_failsBeforeAnyBrokerIsAskedNamingTheWayOut() {
        ViewDefinition<String, String> global = View.from(NAMES).materialize("all-names").global();
        ViewDefinition<String, String> selfLookup = View.from(NAMES)
                .lookup(global, name -> name, (name, found) -> found).materialize("names-of-names", Serdes.String());

        // no broker listens at port 1: the definition is refused before the runtime would ask one
        assertThatThrownBy(() -> ViewRuntime.builder().applicationId("a").bootstrapServers("localhost:1")
                .view(selfLookup).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("global view 'all-names'")
                .hasMessageContaining("foreign-key join");
    }

    @Test
    void start_withoutApplicationId_throwsSayingWhatToCall() {
        assertThatThrownBy(() -> ViewRuntime.builder().bootstrapServers("a:9092").view(VIEW).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("applicationId(");
    }

    @Test
    void start_withoutBootstrapServers_throwsSayingWhatToCall() {
        assertThatThrownBy(() -> ViewRuntime.builder().applicationId("a").view(VIEW).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bootstrapServers(");
    }

    @Test
    void start_withoutViews_throwsSayingWhatToCall() {
        assertThatThrownBy(() -> ViewRuntime.builder().applicationId("a").bootstrapServers("a:9092").start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("view(definition)");
    }

    @Test
    void builderMethods_nullArguments_throwNullPointerException() {
        ViewRuntime.Builder builder = ViewRuntime.builder();

        assertThatThrownBy(() -> builder.applicationId(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder.bootstrapServers(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder.stateDir(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder.view(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder.property(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder.property("k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder.defaultStore(null)).isInstanceOf(NullPointerException.class).hasMessage("store");
        assertThatThrownBy(() -> builder.advertise(null, 7070)).isInstanceOf(NullPointerException.class).hasMessage("host");
        assertThatThrownBy(() -> builder.transport(null)).isInstanceOf(NullPointerException.class).hasMessage("transport");
    }

    @Test
    void topic_illegalName_throwsSayingWhatIsLegal() {
        assertThatThrownBy(() -> Topic.of("has space", Serdes.String(), Serdes.String()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("letters, digits");
        assertThat(Topic.of("a.b_c-1", Serdes.String(), Serdes.String()).name()).isEqualTo("a.b_c-1");
    }
}
