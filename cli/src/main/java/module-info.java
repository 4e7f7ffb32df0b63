/** The {@code uniplane} operator command line. */
module dev.uniplane.cli {
    requires dev.uniplane.api;
    requires dev.uniplane.tck;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.apache.commons.lang3;

    exports dev.uniplane.cli;
    opens dev.uniplane.cli to info.picocli, com.fasterxml.jackson.databind;
}
