package dev.unbundled.internal.compile;

import java.lang.reflect.RecordComponent;
import java.util.Set;
import java.util.UUID;

/**
 * Which key types may stand for their serialised form in a hash map: those whose {@code equals} compares
 * exactly the state a serializer writes, so two equal keys always serialise alike and a lookup by key object
 * finds the row of exactly that serialised key. Strings, whole numbers, booleans, characters, UUIDs and
 * enums are; so are records made only of such types. Anything else (a class with an {@code equals} of its
 * own choosing, floating point, arrays) is read by its serialised form every time.
 */
final class KeyTypes {
    private static final Set<Class<?>> VALUES = Set.of(String.class, Long.class, Integer.class, Short.class,
            Byte.class, Boolean.class, Character.class, UUID.class);
    private static final ClassValue<Boolean> VALUE_BASED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return check(type, 0);
        }
    };

    private KeyTypes() {
    }

    /** @return whether keys of this exact class may be looked up by object */
    static boolean valueBased(Class<?> type) {
        return VALUE_BASED.get(type);
    }

    private static boolean declaresEquals(Class<?> type) {
        try {
            type.getDeclaredMethod("equals", Object.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean check(Class<?> type, int depth) {
        if (VALUES.contains(type) || type.isEnum()) {
            return true;
        }
        if (!type.isRecord() || depth > 8 || declaresEquals(type)) {
            return false;
        }
        for (RecordComponent component : type.getRecordComponents()) {
            Class<?> declared = component.getType();
            // a component's runtime class may be a subclass with an equals of its own: only final types qualify
            boolean fixed = declared.isPrimitive() ? declared != float.class && declared != double.class
                    : java.lang.reflect.Modifier.isFinal(declared.getModifiers()) && check(declared, depth + 1);
            if (!fixed) {
                return false;
            }
        }
        return true;
    }
}
