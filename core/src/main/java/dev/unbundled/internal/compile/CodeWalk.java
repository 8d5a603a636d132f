package dev.unbundled.internal.compile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategy;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Hashes the function objects and serdes of a plan, for {@link Fingerprint}: the code of their classes
 * ({@link ClassCode}) and the values they hold, walked through their fields. Values of the JDK's value types are
 * hashed by value, the JDK's collections by content (sets and maps whatever their order), a lambda by the code of
 * the class that wrote it and the values it captured. What cannot be read is described in {@link #missing()}.
 */
final class CodeWalk {
    /** How deep a walk follows fields from a function object. */
    static final int MAX_DEPTH = 8;
    /** How many values a walk reads from one function object before it gives up on the rest. */
    static final int MAX_VALUES = 20_000;

    private static final Set<Class<?>> PLAIN = Set.of(String.class, Boolean.class, Character.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
            UUID.class, Locale.class, URI.class);

    private final Set<String> missing = new LinkedHashSet<>();
    private final Set<Object> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
    private Hasher hasher;
    private int values;
    private boolean toldBeyond;

    CodeWalk(Hasher hasher) {
        this.hasher = hasher;
    }

    /** Adds text of the plan's own, such as an operator or a topic name. */
    CodeWalk text(String text) {
        hasher.text(text);
        return this;
    }

    /**
     * Adds a function object or a serde: its code and everything it holds.
     *
     * @param function the object, or null for a step without one
     * @param where what it is, for a description of what cannot be read: "the mapper of step 2 (map-values)"
     */
    void function(Object function, String where) {
        values = 0;
        toldBeyond = false;
        value(function, where, 0);
    }

    /** @return descriptions of the code and values that could not be read, in the order met; empty if none */
    List<String> missing() {
        return List.copyOf(missing);
    }

    private void value(Object value, String where, int depth) {
        if (value == null) {
            hasher.text("null");
            return;
        }
        if (++values > MAX_VALUES || depth > MAX_DEPTH) {
            hasher.text("beyond");
            if (!toldBeyond) {
                toldBeyond = true;
                missing.add(where + ": holds more than " + MAX_VALUES + " values or nests deeper than " + MAX_DEPTH
                        + " objects; the rest is not covered");
            }
            return;
        }
        Class<?> type = value.getClass();
        if (PLAIN.contains(type) || type.getPackageName().startsWith("java.time") || value instanceof Charset) {
            hasher.text(type.getName()).text(value.toString());
        } else if (value instanceof Enum<?> constant) {
            hasher.text("enum").text(constant.getDeclaringClass().getName()).text(constant.name());
            userCode(constant.getDeclaringClass(), where);
        } else if (value instanceof Class<?> named) {
            hasher.text("class").text(stableName(named));
        } else if (value instanceof Pattern pattern) {
            hasher.text("pattern").text(pattern.pattern()).text(Integer.toString(pattern.flags()));
        } else if (!inProgress.add(value)) {
            hasher.text("cycle");
        } else {
            try {
                object(value, type, where, depth);
            } finally {
                inProgress.remove(value);
            }
        }
    }

    private void object(Object value, Class<?> type, String where, int depth) {
        ClassCode.Kind kind = ClassCode.kind(type);
        if (type.isArray()) {
            array(value, type, where, depth);
        } else if (value instanceof Optional<?> optional) {
            hasher.text("optional");
            value(optional.orElse(null), where, depth + 1);
        } else if (Proxy.isProxyClass(type)) {
            hasher.text("proxy");
            Arrays.stream(type.getInterfaces()).forEach(face -> hasher.text(face.getName()));
            value(Proxy.getInvocationHandler(value), where + ", its invocation handler", depth + 1);
        } else if (type.isHidden()) {
            hidden(value, type, where, depth);
        } else if (value instanceof JavaType javaType) {
            hasher.text("json type").text(javaType.toCanonical());
            jsonTypeCode(javaType, where, 0);
        } else if (value instanceof ObjectMapper mapper) {
            mapper(mapper);
        } else {
            hasher.text(type.getName());
            if (kind == ClassCode.Kind.USER) {
                userCode(type, where);
            }
            if (kind == ClassCode.Kind.USER || kind == ClassCode.Kind.WALKED) {
                fields(value, type, where, depth);
            }
        }
        if (kind != ClassCode.Kind.NAMED && (value instanceof Collection<?> || value instanceof Map<?, ?>)) {
            try {
                contents(value, where, depth);
            } catch (RuntimeException unreadable) {
                // a collection of the user's whose iterator fails, or one changed while it was read
                hasher.text("unreadable contents");
                missing.add(where + ": the contents of " + stableName(type) + " cannot be read ("
                        + unreadable.getClass().getName() + ")");
            }
        }
    }

    /** A lambda or method reference: the class that wrote it, and the values it captured. */
    private void hidden(Object value, Class<?> type, String where, int depth) {
        Class<?> host = type.getNestHost();
        if (host == type) {
            hasher.text("hidden").text(stableName(type));
            missing.add(where + ", class " + stableName(type) + ": a hidden class defined at run time, with no"
                    + " class file on the class path");
        } else {
            hasher.text("lambda in").text(host.getName());
            Arrays.stream(type.getInterfaces()).forEach(face -> hasher.text(face.getName()));
            userCode(host, where);
        }
        fields(value, type, where, depth);
    }

    /**
     * The instance fields of an object, class by class from its own up to the first JDK or library class,
     * each class's fields sorted by name. Transient fields are left out: by convention they hold no part of
     * the object's value (caches).
     */
    private void fields(Object value, Class<?> type, String where, int depth) {
        for (Class<?> at = type; at != null && (at.isHidden() || isWalked(at)); at = at.getSuperclass()) {
            Field[] declared = at.getDeclaredFields();
            Arrays.sort(declared, Comparator.comparing(Field::getName));
            for (Field field : declared) {
                if (Modifier.isStatic(field.getModifiers()) || Modifier.isTransient(field.getModifiers())) {
                    continue;
                }
                Object held;
                try {
                    field.setAccessible(true);
                    held = field.get(value);
                } catch (RuntimeException | IllegalAccessException closed) {
                    hasher.text("closed");
                    missing.add(where + ": the values held by " + stableName(at) + " cannot be read (module "
                            + at.getModule().getName() + " does not open " + at.getPackageName() + ")");
                    return;
                }
                hasher.text(field.getName());
                value(held, where + ", field " + field.getName(), depth + 1);
            }
        }
    }

    private static boolean isWalked(Class<?> type) {
        ClassCode.Kind kind = ClassCode.kind(type);
        return kind == ClassCode.Kind.USER || kind == ClassCode.Kind.WALKED;
    }

    private void array(Object array, Class<?> type, String where, int depth) {
        int length = Array.getLength(array);
        hasher.text("array").text(stableName(type.getComponentType())).text(Integer.toString(length));
        if (array instanceof byte[] bytes) {
            hasher.bytes(bytes);
            return;
        }
        for (int i = 0; i < length; i++) {
            value(Array.get(array, i), where + ", element " + i, depth + 1);
        }
    }

    /** A collection or map by content: lists in order, sets and maps whatever the order they iterate in. */
    private void contents(Object container, String where, int depth) {
        if (container instanceof Map<?, ?> map) {
            hasher.text("map").text(Integer.toString(map.size()));
            unordered(map.entrySet(), entry -> {
                value(entry.getKey(), where + ", a key", depth + 1);
                value(entry.getValue(), where + ", a value", depth + 1);
            });
        } else if (container instanceof Set<?> set) {
            hasher.text("set").text(Integer.toString(set.size()));
            unordered(set, element -> value(element, where + ", an element", depth + 1));
        } else {
            Collection<?> collection = (Collection<?>) container;
            hasher.text("list").text(Integer.toString(collection.size()));
            for (Object element : collection) {
                value(element, where + ", an element", depth + 1);
            }
        }
    }

    /** Hashes each element on its own and adds the hashes sorted, so that the order of iteration does not count. */
    private <T> void unordered(Collection<T> elements, Consumer<T> walk) {
        List<byte[]> hashes = new ArrayList<>();
        Hasher outer = hasher;
        try {
            for (T element : elements) {
                hasher = new Hasher();
                walk.accept(element);
                hashes.add(hasher.digest());
            }
        } finally {
            hasher = outer;
        }
        hashes.sort(Arrays::compare);
        hashes.forEach(hasher::bytes);
    }

    /** The code of the user's classes a JSON serde reads and writes: the type and its type arguments. */
    private void jsonTypeCode(JavaType type, String where, int depth) {
        userCode(type.getRawClass(), where + ", its JSON type");
        for (int i = 0; i < type.containedTypeCount() && depth < MAX_DEPTH; i++) {
            jsonTypeCode(type.containedType(i), where, depth + 1);
        }
    }

    /** The settings of a Jackson mapper that change what it writes and reads. */
    private void mapper(ObjectMapper mapper) {
        hasher.text("json mapper").text(mapper.getClass().getName());
        for (MapperFeature feature : MapperFeature.values()) {
            hasher.text(mapper.getSerializationConfig().isEnabled(feature) ? feature.name() : "");
        }
        for (SerializationFeature feature : SerializationFeature.values()) {
            hasher.text(mapper.getSerializationConfig().isEnabled(feature) ? feature.name() : "");
        }
        for (DeserializationFeature feature : DeserializationFeature.values()) {
            hasher.text(mapper.getDeserializationConfig().isEnabled(feature) ? feature.name() : "");
        }
        PropertyNamingStrategy naming = mapper.getSerializationConfig().getPropertyNamingStrategy();
        hasher.text(naming == null ? null : naming.getClass().getName());
        mapper.getRegisteredModuleIds().stream().map(String::valueOf).sorted().forEach(hasher::text);
    }

    private void userCode(Class<?> type, String where) {
        if (ClassCode.kind(type) != ClassCode.Kind.USER) {
            return;
        }
        ClassCode code = ClassCode.of(type);
        hasher.bytes(code.digest());
        code.missing().forEach(reason -> missing.add(where + ", " + reason));
    }

    /** @return the class's name without what a JVM makes up for hidden classes (a counter, an address) */
    static String stableName(Class<?> type) {
        if (type.isArray()) {
            return stableName(type.getComponentType()) + "[]";
        } else if (type.isHidden()) {
            Class<?> host = type.getNestHost();
            return host == type ? type.getName().replaceAll("(\\$\\$Lambda)?(\\$\\d+)?/0x\\p{XDigit}+$", "")
                    : host.getName() + "$$Lambda";
        } else if (Proxy.isProxyClass(type)) {
            return "a proxy of " + Arrays.toString(type.getInterfaces());
        }
        return type.getName();
    }
}
