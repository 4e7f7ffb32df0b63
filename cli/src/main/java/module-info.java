/** The {@code uniplane} operator command line. */
module dev.uniplane.cli {
    // transitive: the public types here show the API model, the kit's CheckOutcome, picocli and Jackson mappers
    requires transitive dev.uniplane.api;
    requires transitive dev.uniplane.tck;
    requires transitive info.picocli;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.apache.commons.lang3;
    requires dev.uniplane.agent.client;

    exports dev.uniplane.cli;
    opens dev.uniplane.cli to info.picocli, com.fasterxml.jackson.databind;
}
