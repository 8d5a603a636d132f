package dev.unbundled;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The public value types check what they are built from. */
class ValuesTest {

    private static Arguments call(String constructor, String argument, ThrowingCallable call) {
        return Arguments.of(constructor + " with null " + argument, argument, call);
    }

    static Stream<Arguments> constructorsWithNull() {
        Optional<String> none = Optional.empty();
        return Stream.of(
                call("Change", "key", () -> new Change<String, String>(null, none, none)),
                call("Change", "oldValue", () -> new Change<>("k", null, none)),
                call("Change", "newValue", () -> new Change<>("k", none, null)),
                call("Change", "position", () -> new Change<>("k", none, none, null)),
                call("Page", "entries", () -> new Page<String, String>(null, none)),
                call("Page", "next", () -> new Page<String, String>(List.of(), null)),
                call("Read", "value", () -> new Read<String>(null, "local", false, 0)),
                call("Read", "instance", () -> new Read<>(none, null, false, 0)),
                call("ViewStatus", "view", () -> new ViewStatus(null, ViewStatus.State.READY, 0)),
                call("ViewStatus", "state", () -> new ViewStatus("v", null, 0)),
                call("ViewStatus", "lag", () -> new ViewStatus("v", ViewStatus.State.READY, 0, null, 0,
                        Optional.<Instant>empty())),
                call("ViewStatus", "lastUpdate", () -> new ViewStatus("v", ViewStatus.State.READY, 0, Map.of(), 0, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("constructorsWithNull")
    void constructor_nullArgument_throwsNullPointerNamingIt(String call, String argument, ThrowingCallable constructor) {
        assertThatThrownBy(constructor).isInstanceOf(NullPointerException.class).hasMessage(argument);
    }
}
