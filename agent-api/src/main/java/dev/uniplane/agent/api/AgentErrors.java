package dev.uniplane.agent.api;

import dev.uniplane.agent.api.proto.AgentPb;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.api.UnsupportedCapabilityException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.InspectionUnsupportedException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.util.Optional;
import org.apache.commons.lang3.StringUtils;

/**
 * The one mapping between API exceptions and gRPC statuses, both ways. The agent turns a failure into a status whose
 * code says the kind of error and an {@link AgentPb.ErrorDetail} trailer that names the exception type and carries its
 * fields (field and value of an {@link InvalidSpecException}, operation and error code of a {@link BackendException},
 * ...); the client turns that back into an exception of the same API type with the same message.
 *
 * <table>
 *   <caption>Exception types and their status codes</caption>
 *   <tr><th>exception</th><th>status</th></tr>
 *   <tr><td>InvalidSpecException, IllegalArgumentException</td><td>INVALID_ARGUMENT</td></tr>
 *   <tr><td>NotFoundException</td><td>NOT_FOUND</td></tr>
 *   <tr><td>ConflictException</td><td>ABORTED</td></tr>
 *   <tr><td>UnsupportedCapabilityException, InspectionUnsupportedException, UnsupportedOperationException</td><td>UNIMPLEMENTED</td></tr>
 *   <tr><td>ProviderUnavailableException, IllegalStateException</td><td>FAILED_PRECONDITION</td></tr>
 *   <tr><td>BackendException</td><td>INTERNAL</td></tr>
 *   <tr><td>DataplaneException</td><td>UNKNOWN</td></tr>
 *   <tr><td>anything else</td><td>INTERNAL (type = its class name)</td></tr>
 * </table>
 */
public final class AgentErrors {
    /** The trailer that carries the detail, {@code uniplane.agent.v1.errordetail-bin}. */
    public static final Metadata.Key<AgentPb.ErrorDetail> DETAIL = ProtoUtils.keyForProto(AgentPb.ErrorDetail.getDefaultInstance());

    private AgentErrors() {
    }

    /** The status a failure travels as, with its detail in the trailers. */
    public static StatusRuntimeException toStatus(Throwable failure) {
        AgentPb.ErrorDetail detail = detail(failure);
        Metadata trailers = new Metadata();
        trailers.put(DETAIL, detail);
        return code(failure).withDescription(detail.getMessage()).asRuntimeException(trailers);
    }

    private static Status code(Throwable failure) {
        return switch (failure) {
            case InvalidSpecException e -> Status.INVALID_ARGUMENT;
            case NotFoundException e -> Status.NOT_FOUND;
            case ConflictException e -> Status.ABORTED;
            case UnsupportedCapabilityException e -> Status.UNIMPLEMENTED;
            case InspectionUnsupportedException e -> Status.UNIMPLEMENTED;
            case ProviderUnavailableException e -> Status.FAILED_PRECONDITION;
            case BackendException e -> Status.INTERNAL;
            case DataplaneException e -> Status.UNKNOWN;
            case IllegalArgumentException e -> Status.INVALID_ARGUMENT;
            case UnsupportedOperationException e -> Status.UNIMPLEMENTED;
            case IllegalStateException e -> Status.FAILED_PRECONDITION;
            default -> Status.INTERNAL;
        };
    }

    /** The detail of a failure: its API type's simple name, its message and the fields that type carries. */
    public static AgentPb.ErrorDetail detail(Throwable failure) {
        AgentPb.ErrorDetail.Builder b = AgentPb.ErrorDetail.newBuilder().setMessage(StringUtils.defaultString(failure.getMessage()));
        switch (failure) {
            case InvalidSpecException e -> b.setType("InvalidSpecException").setField(e.field()).setValue(e.value())
                    .setProblem(StringUtils.defaultString(e.problem()));
            case NotFoundException e -> b.setType("NotFoundException");
            case ConflictException e -> b.setType("ConflictException");
            case UnsupportedCapabilityException e -> b.setType("UnsupportedCapabilityException")
                    .setProvider(providerOf(e.getMessage())).setCapability(ProtoModel.toProto(e.capability()));
            case InspectionUnsupportedException e -> b.setType("InspectionUnsupportedException").setProvider(providerOf(e.getMessage()));
            case ProviderUnavailableException e -> {
                b.setType("ProviderUnavailableException").setProvider(e.provider());
                if (e.availability() != null) {
                    b.setAvailability(ProtoModel.toProto(e.availability()));
                }
            }
            case BackendException e -> b.setType("BackendException").setOperation(e.operation()).setErrorCode(e.errorCode());
            case DataplaneException e -> b.setType("DataplaneException");
            case IllegalArgumentException e -> b.setType("IllegalArgumentException");
            case UnsupportedOperationException e -> b.setType("UnsupportedOperationException");
            case IllegalStateException e -> b.setType("IllegalStateException");
            default -> b.setType(failure.getClass().getName());
        }
        return b.build();
    }

    /** "provider X does not ..." → X (the two exceptions that keep their provider only in the message). */
    private static String providerOf(String message) {
        return StringUtils.substringBetween(message, "provider ", " ");
    }

    /** The detail a status carries, if the agent sent one (transport failures have none). */
    public static Optional<AgentPb.ErrorDetail> detailOf(StatusRuntimeException status) {
        Metadata trailers = status.getTrailers();
        return Optional.ofNullable(trailers == null ? null : trailers.get(DETAIL));
    }

    /**
     * The exception to throw for a failed call: the API exception the agent reported, or a {@link DataplaneException}
     * naming the status when the status carries no detail.
     */
    public static RuntimeException toException(StatusRuntimeException status) {
        return detailOf(status).map(AgentErrors::toException)
                .orElseGet(() -> new DataplaneException("agent call failed: " + status.getStatus(), status));
    }

    /** The exception of the type and message a detail names. */
    public static RuntimeException toException(AgentPb.ErrorDetail d) {
        String message = d.getMessage();
        return switch (d.getType()) {
            case "InvalidSpecException" -> new InvalidSpecException(d.getField(), new Rendered(d.getValue()), d.getProblem());
            case "NotFoundException" -> new NotFoundException(message);
            case "ConflictException" -> new ConflictException(message);
            case "UnsupportedCapabilityException" -> new UnsupportedCapabilityException(d.getProvider(), ProtoModel.fromProto(d.getCapability()));
            case "InspectionUnsupportedException" -> new InspectionUnsupportedException(d.getProvider());
            case "ProviderUnavailableException" -> new ProviderUnavailableException(d.getProvider(), d.hasAvailability()
                    ? ProtoModel.fromProto(d.getAvailability()) : Availability.unavailable(message, ""));
            case "BackendException" -> new BackendException(d.getOperation(), d.getErrorCode(), backendDetail(d));
            case "DataplaneException" -> new DataplaneException(message);
            case "IllegalArgumentException" -> new IllegalArgumentException(message);
            case "UnsupportedOperationException" -> new UnsupportedOperationException(message);
            case "IllegalStateException" -> new IllegalStateException(message);
            default -> new DataplaneException("the agent failed: " + d.getType() + ": " + message);
        };
    }

    /**
     * BackendException keeps only the message it builds ({@code OP failed: CODE (DETAIL)}); the detail is what stands
     * between the parentheses, so the rebuilt exception has the same message.
     */
    private static String backendDetail(AgentPb.ErrorDetail d) {
        String head = d.getOperation() + " failed: " + d.getErrorCode();
        String message = d.getMessage();
        if (!message.startsWith(head)) {
            return message; // a subclass with a message of its own: keep it whole as the detail
        }
        String rest = message.substring(head.length());
        return rest.startsWith(" (") && rest.endsWith(")") ? rest.substring(2, rest.length() - 1) : "";
    }

    /** A value already rendered by the agent's InvalidSpecException: shown as it is, not quoted again. */
    private record Rendered(String text) {
        @Override
        public String toString() {
            return text;
        }
    }
}
