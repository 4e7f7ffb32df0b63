package dev.uniplane.bench;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * iperf3 between network namespaces: a server on port 5201 and a TCP client run with both ends pinned to CPU 0
 * ({@code -A 0,0}: across CPUs the veth pairs reorder, NOTES 2.11), one omitted warm-up second, JSON output.
 */
public final class Iperf {
    private static final Pattern BPS = Pattern.compile("\"bits_per_second\":\\s*([0-9.eE+]+)");
    private static final Pattern RETR = Pattern.compile("\"retransmits\":\\s*([0-9]+)");
    private static final Pattern HOST_CPU = Pattern.compile("\"host_total\":\\s*([0-9.eE+]+)");
    private static final Pattern REMOTE_CPU = Pattern.compile("\"remote_total\":\\s*([0-9.eE+]+)");

    private Iperf() {
    }

    /**
     * One iperf3 run.
     *
     * @param gbps        receiver Gbit/s
     * @param retransmits sender retransmits
     * @param hostCpu     client CPU utilisation (%)
     * @param remoteCpu   server CPU utilisation (%)
     */
    public record Result(double gbps, long retransmits, double hostCpu, double remoteCpu) {
        /** Gbit/s per CPU-second of both ends together. */
        public double gbitPerCpuSecond() {
            return gbps / ((hostCpu + remoteCpu) / 100.0);
        }
    }

    /** Starts {@code iperf3 -s -p 5201} in namespace {@code ns}; the caller stops it. */
    public static Process server(String ns) throws IOException {
        return new ProcessBuilder("ip", "netns", "exec", ns, "iperf3", "-s", "-p", "5201")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Runs the client in namespace {@code ns} against {@code server} for {@code seconds}. */
    public static Result client(String ns, String server, int seconds) throws IOException, InterruptedException {
        String json = Commands.run(List.of("ip", "netns", "exec", ns, "iperf3", "-c", server, "-p", "5201", "-t",
                Integer.toString(seconds), "-O", "1", "-A", "0,0", "-J"));
        int received = json.indexOf("\"sum_received\"");
        int sent = json.indexOf("\"sum_sent\"");
        if (received < 0 || sent < 0) {
            throw new IllegalStateException("iperf3 output without sums: " + json);
        }
        return new Result(number(BPS, json, received) / 1e9, (long) number(RETR, json, sent), number(HOST_CPU, json, 0),
                number(REMOTE_CPU, json, 0));
    }

    private static double number(Pattern p, String text, int from) {
        Matcher m = p.matcher(text);
        if (!m.find(from)) {
            throw new IllegalStateException("no " + p + " in iperf3 output");
        }
        return Double.parseDouble(m.group(1));
    }
}
