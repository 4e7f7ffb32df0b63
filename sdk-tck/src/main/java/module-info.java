/** The Uniplane conformance kit (TCK) and the reference model of the semantics. */
module dev.uniplane.tck {
    requires transitive dev.uniplane.api;
    requires transitive dev.uniplane.linux;
    requires org.slf4j;
    requires org.junit.jupiter.api;
    requires org.assertj.core;
    requires net.jqwik.api;

    exports dev.uniplane.tck;
    exports dev.uniplane.tck.byname;
    exports dev.uniplane.tck.harness;
    exports dev.uniplane.tck.report;
    requires com.fasterxml.jackson.databind;

    opens dev.uniplane.tck.report to com.fasterxml.jackson.databind;
    exports dev.uniplane.tck.model;
}
