package dev.uniplane.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Rule;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The Jackson mappers (YAML and JSON) that read and write the API model one to one: a record is an object with its
 * component names, and the value types that have a text form ({@link IpAddress}, {@link IpPrefix}, {@link MacAddress},
 * {@link EndpointId}) are that text. Single-value wrappers are their value: {@link Labels} is a map, {@link PolicySet}
 * a list of policies. {@link NextHop} carries a {@code type} ({@code gateway}, {@code endpoint}, {@code drop}); a
 * {@link Peer} is told by its field ({@code selector} or {@code cidr}). Absent lists and labels are empty, except a
 * policy's {@code ingress}/{@code egress}, where absent means "says nothing" and {@code []} isolates. Unknown fields,
 * duplicate keys and trailing content are errors.
 */
public final class ModelMapper {
    private ModelMapper() {
    }

    /** A YAML mapper for state files and {@code -o yaml}. */
    public static ObjectMapper yaml() {
        YAMLFactory factory = YAMLFactory.builder()
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return configure(YAMLMapper.builder(factory)).build();
    }

    /** A JSON mapper for {@code -o json}. */
    public static ObjectMapper json() {
        return configure(JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)).build();
    }

    private static <M extends ObjectMapper, B extends com.fasterxml.jackson.databind.cfg.MapperBuilder<M, B>> B configure(B builder) {
        builder.addModule(module())
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                // Route.isEcmp(), LabelSelector.isEmpty() ... are derived, not part of the model.
                .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
                .disable(MapperFeature.OVERRIDE_PUBLIC_ACCESS_MODIFIERS)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS))
                .withConfigOverride(List.class, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)))
                .withConfigOverride(Set.class, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)))
                .withConfigOverride(Map.class, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)));
        return builder;
    }

    private static SimpleModule module() {
        SimpleModule m = new SimpleModule("uniplane-model");
        text(m, IpAddress.class, IpAddress::parse);
        text(m, IpPrefix.class, IpPrefix::parseStrict);
        text(m, MacAddress.class, MacAddress::parse);
        text(m, EndpointId.class, EndpointId::of);
        m.addSerializer(Labels.class, new JsonSerializer<>() {
            @Override
            public void serialize(Labels value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                serializers.defaultSerializeValue(value.values(), gen);
            }
        });
        m.addDeserializer(Labels.class, new EmptyWhenAbsent<>(Labels.of()) {
            @Override
            public Labels deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return Labels.of(ctxt.<Map<String, String>>readValue(p, ctxt.getTypeFactory().constructType(new TypeReference<Map<String, String>>() { })));
            }
        });
        m.addSerializer(PolicySet.class, new JsonSerializer<>() {
            @Override
            public void serialize(PolicySet value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                serializers.defaultSerializeValue(value.policies(), gen);
            }
        });
        m.addDeserializer(PolicySet.class, new EmptyWhenAbsent<>(PolicySet.empty()) {
            @Override
            public PolicySet deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return new PolicySet(ctxt.readValue(p, ctxt.getTypeFactory().constructCollectionType(List.class, Policy.class)));
            }
        });
        m.addSerializer(Capabilities.class, new JsonSerializer<>() {
            @Override
            public void serialize(Capabilities value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                serializers.defaultSerializeValue(value.values(), gen);
            }
        });
        m.setDeserializerModifier(StrictRecordDeserializer.modifier());
        m.setMixInAnnotation(NextHop.class, NextHopMixin.class);
        m.setMixInAnnotation(NextHop.Gateway.class, WeightedMixin.class);
        m.setMixInAnnotation(NextHop.ToEndpoint.class, WeightedMixin.class);
        m.setMixInAnnotation(Peer.class, PeerMixin.class);
        m.setMixInAnnotation(Policy.class, PolicyMixin.class);
        return m;
    }

    private static <T> void text(SimpleModule m, Class<T> type, Function<String, T> parse) {
        m.addSerializer(type, new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        });
        m.addDeserializer(type, new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (!p.currentToken().isScalarValue()) {
                    return type.cast(ctxt.handleUnexpectedToken(type, p));
                }
                return parse.apply(p.getValueAsString());
            }
        });
    }

    /** A deserializer whose value for an absent or null field is an empty value instead of null. */
    private abstract static class EmptyWhenAbsent<T> extends JsonDeserializer<T> {
        private final T empty;

        EmptyWhenAbsent(T empty) {
            this.empty = empty;
        }

        @Override
        public T getNullValue(DeserializationContext ctxt) {
            return empty;
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return empty;
        }
    }

    /** A next hop names its kind; {@code drop} has no other field. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({@JsonSubTypes.Type(value = NextHop.Gateway.class, name = "gateway"),
            @JsonSubTypes.Type(value = NextHop.ToEndpoint.class, name = "endpoint"),
            @JsonSubTypes.Type(value = NextHop.Drop.class, name = "drop")})
    private interface NextHopMixin {
    }

    /** {@code weight} may be left out: 1, as in the API's factories. */
    private abstract static class WeightedMixin {
        @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = WeightDeserializer.class)
        abstract int weight();
    }

    /** An int whose absent value is 1. */
    static final class WeightDeserializer extends JsonDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return ctxt.readValue(p, Integer.class);
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return 1;
        }
    }

    /** A peer is a selector peer or a CIDR peer, told apart by which field it has. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
    @JsonSubTypes({@JsonSubTypes.Type(Peer.Selector.class), @JsonSubTypes.Type(Peer.Cidr.class)})
    private interface PeerMixin {
    }

    /** Absent ingress/egress stays absent (null): only a present list, even {@code []}, isolates. */
    private abstract static class PolicyMixin {
        @JsonSetter(nulls = Nulls.SET)
        abstract List<Rule> ingress();

        @JsonSetter(nulls = Nulls.SET)
        abstract List<Rule> egress();
    }
}
