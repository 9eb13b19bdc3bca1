package io.streamrec.config;

import org.apache.flink.configuration.ConfigOption;

/** An option whose value is out of range; the message names the option, the value and the rule. */
public final class InvalidOption extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidOption(ConfigOption<?> option, Object value, String rule) {
        super("option " + option.key() + " = " + value + " is out of range: must be " + rule);
    }
}
