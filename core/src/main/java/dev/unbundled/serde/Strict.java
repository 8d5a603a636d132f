package dev.unbundled.serde;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MutableCoercionConfig;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;
import java.util.Set;

/** Builds the mappers behind {@link Json}: a copy of a given mapper with the strict rules laid over it. */
final class Strict {
    static final String NULLABLE_HINT = "if it may be absent, make it Optional, annotate it @Nullable or mark it"
            + " @JsonProperty(isRequired = OptBoolean.FALSE)";

    /** The mapper of {@code Json.serde(type)}: unknown properties ignored, java.time as ISO-8601 text. */
    static final ObjectMapper DEFAULT = over(new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS));

    private Strict() {
    }

    /**
     * A copy of {@code own} (left untouched) with java.time and Optional support where it has none, the strict
     * reading rules, and the writer's check that required components are not null.
     */
    static ObjectMapper over(ObjectMapper own) {
        ObjectMapper mapper = own.copy();
        Set<Object> registered = own.getRegisteredModuleIds();
        for (Module module : List.<Module>of(new Jdk8Module(), new JavaTimeModule())) {
            if (!registered.contains(module.getTypeId())) {
                mapper.registerModule(module);
            }
        }
        mapper.registerModule(new SimpleModule("unbundled-strict-json").setSerializerModifier(new NonNullComponents()));
        mapper.setAnnotationIntrospectors(
                new StrictIntrospector(own.getSerializationConfig().getAnnotationIntrospector()),
                new StrictIntrospector(own.getDeserializationConfig().getAnnotationIntrospector()));
        // "12" into a number, 1 into a boolean; a coercion the caller configured per type still applies
        mapper.setConfig(mapper.getDeserializationConfig().without(MapperFeature.ALLOW_COERCION_OF_SCALARS));
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        MutableCoercionConfig text = mapper.coercionConfigFor(LogicalType.Textual);
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean)) {
            if (text.findAction(shape) == null) {
                text.setCoercion(shape, CoercionAction.Fail);
            }
        }
        return mapper;
    }
}
