package dev.unbundled.serde;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Refuses to write a null into a component the strict reader requires, so that a serde never writes what it
 * cannot read back (a view's stored values go through the same serde).
 */
final class NonNullComponents extends BeanSerializerModifier {
    private static final long serialVersionUID = 1L;

    @Override
    public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription description,
                                                     List<BeanPropertyWriter> writers) {
        Set<String> required = new HashSet<>();
        for (BeanPropertyDefinition property : description.findProperties()) {
            AnnotatedParameter parameter = property.getConstructorParameter();
            if (parameter != null && !parameter.getRawType().isPrimitive() && Components.required(parameter)) {
                required.add(property.getName());
            }
        }
        if (required.isEmpty()) {
            return writers;
        }
        List<BeanPropertyWriter> checked = new ArrayList<>(writers.size());
        for (BeanPropertyWriter writer : writers) {
            checked.add(required.contains(writer.getName()) ? new NonNullWriter(writer) : writer);
        }
        return checked;
    }

    private static final class NonNullWriter extends BeanPropertyWriter {
        private static final long serialVersionUID = 1L;

        NonNullWriter(BeanPropertyWriter base) {
            super(base);
        }

        @Override
        protected BeanPropertyWriter _new(PropertyName newName) {
            return new NonNullWriter(super._new(newName));
        }

        @Override
        public void serializeAsField(Object bean, JsonGenerator gen, SerializerProvider provider) throws Exception {
            requireValue(bean, gen);
            super.serializeAsField(bean, gen, provider);
        }

        @Override
        public void serializeAsElement(Object bean, JsonGenerator gen, SerializerProvider provider) throws Exception {
            requireValue(bean, gen);
            super.serializeAsElement(bean, gen, provider);
        }

        private void requireValue(Object bean, JsonGenerator gen) throws Exception {
            if (get(bean) == null) {
                throw JsonMappingException.from(gen, "Component '" + getName() + "' of "
                        + bean.getClass().getSimpleName() + " is null, and a strict Json serde could not read it"
                        + " back; " + Strict.NULLABLE_HINT);
            }
        }
    }
}
