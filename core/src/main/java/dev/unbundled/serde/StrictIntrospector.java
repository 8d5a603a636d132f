package dev.unbundled.serde;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.AnnotationIntrospector;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.AnnotationIntrospectorPair;
import com.fasterxml.jackson.databind.introspect.NopAnnotationIntrospector;

/**
 * The mapper's own introspector, except that a constructor parameter {@link Components#required required} by the
 * strict rules is marked required (so Jackson fails when it is missing) and fails on null (unless the parameter
 * names its own null handling with {@code @JsonSetter(nulls = ...)}).
 */
final class StrictIntrospector extends AnnotationIntrospectorPair {
    private static final long serialVersionUID = 1L;

    StrictIntrospector(AnnotationIntrospector own) {
        super(own == null ? NopAnnotationIntrospector.instance : own, NopAnnotationIntrospector.instance);
    }

    @Override
    public Boolean hasRequiredMarker(AnnotatedMember member) {
        // Jackson's own answer is FALSE for any @JsonProperty without required = true: the rule decides instead
        if (member instanceof AnnotatedParameter parameter) {
            return Components.required(parameter);
        }
        return super.hasRequiredMarker(member);
    }

    @Override
    public JsonSetter.Value findSetterInfo(Annotated annotated) {
        JsonSetter.Value declared = super.findSetterInfo(annotated);
        if (declared == null) {
            declared = JsonSetter.Value.empty();
        }
        if (annotated instanceof AnnotatedParameter parameter && declared.nonDefaultValueNulls() == null
                && Components.required(parameter)) {
            return declared.withValueNulls(Nulls.FAIL);
        }
        return declared;
    }
}
