package dev.unbundled.serde;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Member;
import java.lang.reflect.RecordComponent;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Which constructor parameters (record components, {@code @JsonCreator} parameters) a strict {@link Json} serde
 * requires to be present and non-null: all of them, except those of an {@code Optional} type, those carrying a
 * runtime annotation named {@code Nullable} (any package), and those that say so with
 * {@code @JsonProperty(isRequired = OptBoolean.FALSE)}.
 */
final class Components {
    private Components() {
    }

    static boolean required(AnnotatedParameter parameter) {
        JsonProperty property = parameter.getAnnotation(JsonProperty.class);
        if (property != null) {
            if (property.isRequired() != OptBoolean.DEFAULT) {
                return property.isRequired().asBoolean();
            }
            if (property.required()) {
                return true;
            }
        }
        Class<?> type = parameter.getRawType();
        if (type == Optional.class || type == OptionalInt.class || type == OptionalLong.class
                || type == OptionalDouble.class) {
            return false;
        }
        return !markedNullable(parameter);
    }

    /** Looks where javac puts a record component's annotations: parameter, parameter type, and the component. */
    private static boolean markedNullable(AnnotatedParameter parameter) {
        Member member = parameter.getOwner().getMember();
        if (!(member instanceof Executable executable)) {
            return false;
        }
        int index = parameter.getIndex();
        Annotation[][] declared = executable.getParameterAnnotations();
        if (index < declared.length && nullable(declared[index])) {
            return true;
        }
        var types = executable.getAnnotatedParameterTypes();
        if (index < types.length && nullable(types[index].getAnnotations())) {
            return true;
        }
        Class<?> owner = executable.getDeclaringClass();
        if (owner.isRecord() && executable instanceof Constructor<?>) {
            RecordComponent[] components = owner.getRecordComponents();
            if (components.length == executable.getParameterCount() && index < components.length) {
                return nullable(components[index].getAnnotations())
                        || nullable(components[index].getAnnotatedType().getAnnotations());
            }
        }
        return false;
    }

    private static boolean nullable(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            if (annotation.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }
}
