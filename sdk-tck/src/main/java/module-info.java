/** The Uniplane conformance kit (TCK) and the reference model of the semantics. */
module dev.uniplane.tck {
    requires transitive dev.uniplane.api;
    requires dev.uniplane.linux;
    requires org.slf4j;
    requires org.junit.jupiter.api;
    requires org.assertj.core;
    requires net.jqwik.api;

    exports dev.uniplane.tck;
}
