package dev.uniplane.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses an unknown field of an API record <em>before</em> the record is built. Jackson builds a record from its
 * constructor first and reports unknown fields afterwards, so a misspelt {@code adresses} would surface as "an
 * endpoint needs at least one address" instead of naming the typo.
 */
final class StrictRecordDeserializer extends DelegatingDeserializer {
    private static final long serialVersionUID = 1L;
    private final Class<?> type;
    private final Set<String> known;

    private StrictRecordDeserializer(JsonDeserializer<?> delegate, Class<?> type, Set<String> known) {
        super(delegate);
        this.type = type;
        this.known = known;
    }

    /** Wraps the deserializer of every record of the API package. */
    static BeanDeserializerModifier modifier() {
        return new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description, JsonDeserializer<?> deserializer) {
                Class<?> type = description.getBeanClass();
                if (!type.isRecord() || !type.getPackageName().equals("dev.uniplane.api")
                        || !(deserializer instanceof com.fasterxml.jackson.databind.deser.BeanDeserializerBase)) {
                    return deserializer;
                }
                Set<String> names = new TreeSet<>();
                description.findProperties().stream().map(BeanPropertyDefinition::getName).forEach(names::add);
                return new StrictRecordDeserializer(deserializer, type, Set.copyOf(names));
            }
        };
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
        return new StrictRecordDeserializer(delegate, type, known);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonToken token = p.currentToken();
        if (token != JsonToken.START_OBJECT && token != JsonToken.FIELD_NAME && token != JsonToken.END_OBJECT) {
            return super.deserialize(p, ctxt);
        }
        TokenBuffer buffer = ctxt.bufferForInputBuffering(p);
        buffer.writeStartObject();
        if (token == JsonToken.START_OBJECT) {
            token = p.nextToken();
        }
        for (; token == JsonToken.FIELD_NAME; token = p.nextToken()) {
            String name = p.currentName();
            if (!known.contains(name)) {
                Collection<Object> ids = new ArrayList<>(known);
                throw UnrecognizedPropertyException.from(p, type, name, List.copyOf(ids));
            }
            buffer.copyCurrentStructure(p);
        }
        buffer.writeEndObject();
        JsonParser buffered = buffer.asParserOnFirstToken();
        return super.deserialize(buffered, ctxt);
    }
}
