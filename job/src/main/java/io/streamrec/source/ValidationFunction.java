package io.streamrec.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses raw payloads of one source with a {@link RecordParser}. Valid records go on; every invalid
 * one is counted per reason (metric {@code rejected_<reason>}), logged (the first few per reason)
 * and emitted as a JSON dead letter with the reason and the original payload, so nothing is lost
 * and the job keeps running.
 */
public class ValidationFunction<T> extends ProcessFunction<byte[], T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ValidationFunction.class);
    private static final int LOGGED_PER_REASON = 5;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static final OutputTag<String> DEAD_LETTERS =
            new OutputTag<>("dead-letters", Types.STRING);

    private final RecordParser<T> parser;
    private final String sourceName;
    private transient Map<String, Counter> rejected;
    private transient Counter accepted;

    public ValidationFunction(RecordParser<T> parser, String sourceName) {
        this.parser = parser;
        this.sourceName = sourceName;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
        rejected = new HashMap<>();
        accepted = getRuntimeContext().getMetricGroup().counter("accepted");
    }

    @Override
    public void processElement(byte[] payload, Context ctx, Collector<T> out) {
        try {
            out.collect(parser.parse(payload));
            accepted.inc();
        } catch (InvalidRecordException e) {
            Counter counter =
                    rejected.computeIfAbsent(
                            e.reason(),
                            r -> getRuntimeContext().getMetricGroup().counter("rejected_" + r));
            counter.inc();
            if (counter.getCount() <= LOGGED_PER_REASON) {
                LOG.warn("Skipping invalid record from {}: {}", sourceName, e.getMessage());
            }
            ctx.output(DEAD_LETTERS, deadLetter(e, payload));
        }
    }

    private String deadLetter(InvalidRecordException e, byte[] payload) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("reason", e.reason());
        node.put("detail", e.getMessage());
        node.put("source", sourceName);
        node.put(
                "payload",
                payload == null
                        ? ""
                        : new String(
                                payload,
                                0,
                                Math.min(payload.length, RecordParser.MAX_PAYLOAD_BYTES),
                                StandardCharsets.UTF_8));
        node.put("time", System.currentTimeMillis());
        return node.toString();
    }
}
