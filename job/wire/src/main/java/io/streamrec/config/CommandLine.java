package io.streamrec.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;

/**
 * The parsed arguments of a streamrec main: {@code -Dkey=value} options into a Flink {@link
 * Configuration}, {@code --name value} (or {@code --name=value}) values and {@code --name}
 * switches. Every main declares what it accepts with a {@link Spec}; anything else is an error that
 * names the argument and comes with the usage. A {@code -D} key is not checked here, as Flink's own
 * options arrive the same way: {@link KnownOptions} reports the keys that look like a program's own
 * and name none of its options.
 */
public final class CommandLine {
    private final Configuration options;
    private final Map<String, String> values;
    private final Set<String> switches;
    private final String usage;

    private CommandLine(
            Configuration options, Map<String, String> values, Set<String> switches, String usage) {
        this.options = options;
        this.values = values;
        this.switches = switches;
        this.usage = usage;
    }

    /** Starts the declaration of a main's arguments; {@code program} heads the usage text. */
    public static Spec spec(String program) {
        return new Spec(program);
    }

    /** The {@code -Dkey=value} options. */
    public Configuration options() {
        return options;
    }

    /** The {@code --name value} arguments given, by name (without the dashes). */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public String value(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    public int intValue(String name, int defaultValue) {
        return typed(name, "an integer", Integer::valueOf).orElse(defaultValue);
    }

    public long longValue(String name, long defaultValue) {
        return typed(name, "an integer", Long::valueOf).orElse(defaultValue);
    }

    public double doubleValue(String name, double defaultValue) {
        return typed(name, "a number", Double::valueOf).orElse(defaultValue);
    }

    /** Whether the switch {@code --name} was given. */
    public boolean has(String name) {
        return switches.contains(name);
    }

    private <T> Optional<T> typed(String name, String what, Function<String, T> parse) {
        String raw = values.get(name);
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse.apply(raw.trim()));
        } catch (NumberFormatException e) {
            throw new UsageException(
                    "--" + name + " expects " + what + ", got '" + raw + "'", usage);
        }
    }

    /** A wrong argument: the message names it and then gives the usage. */
    public static final class UsageException extends IllegalArgumentException {
        UsageException(String problem, String usage) {
            super(problem + "\n" + usage);
        }
    }

    /** What one main accepts. */
    public static final class Spec {
        private final String program;
        private final Map<String, String> placeholders = new LinkedHashMap<>();
        private final Map<String, String> valueHelp = new LinkedHashMap<>();
        private final Map<String, String> switchHelp = new LinkedHashMap<>();
        private final Set<String> nonBlank = new LinkedHashSet<>();
        private final Map<String, String> requiredUnless = new LinkedHashMap<>();
        private final Map<String, long[]> ranges = new LinkedHashMap<>();
        private String optionsHelp;

        private Spec(String program) {
            this.program = program;
        }

        /** Accepts {@code --name VALUE}; {@code placeholder} stands for the value in the usage. */
        public Spec value(String name, String placeholder, String help) {
            placeholders.put(name, placeholder);
            valueHelp.put(name, help);
            return this;
        }

        /**
         * Refuses the declared value {@code --name} when given blank, as a usage error (status 2
         * from {@link #parseOrExit}) rather than a failure of the program once it runs.
         */
        public Spec nonBlank(String name) {
            nonBlank.add(name);
            return this;
        }

        /** Requires the declared value {@code --name}. */
        public Spec required(String name) {
            return requiredUnless(name, "");
        }

        /** Requires the declared value {@code --name} unless the switch {@code --flag} is given. */
        public Spec requiredUnless(String name, String flag) {
            requiredUnless.put(name, flag);
            return this;
        }

        /** Refuses the declared value {@code --name} when given other than an integer in range. */
        public Spec range(String name, long min, long max) {
            ranges.put(name, new long[] {min, max});
            return this;
        }

        /** Accepts the switch {@code --name}. */
        public Spec flag(String name, String help) {
            switchHelp.put(name, help);
            return this;
        }

        /** Accepts {@code -Dkey=value} options. */
        public Spec options(String help) {
            optionsHelp = help;
            return this;
        }

        /** The arguments, or a {@link UsageException} naming the first one that is wrong. */
        public CommandLine parse(String... args) {
            Configuration options = new Configuration();
            Map<String, String> values = new LinkedHashMap<>();
            Set<String> switches = new LinkedHashSet<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.startsWith("-D") && optionsHelp != null) {
                    int eq = arg.indexOf('=');
                    if (eq < 3) {
                        throw error("expected -Dkey=value, got '" + arg + "'");
                    }
                    options.setString(arg.substring(2, eq), arg.substring(eq + 1));
                    continue;
                }
                if (!arg.startsWith("--")) {
                    throw error("unknown argument '" + arg + "'");
                }
                int eq = arg.indexOf('=');
                String name = arg.substring(2, eq < 0 ? arg.length() : eq);
                if (switchHelp.containsKey(name) && eq < 0) {
                    switches.add(name);
                } else if (!valueHelp.containsKey(name)) {
                    throw error("unknown argument '" + arg + "'");
                } else if (eq >= 0) {
                    values.put(name, arg.substring(eq + 1));
                } else if (i + 1 < args.length) {
                    values.put(name, args[++i]);
                } else {
                    throw error("--" + name + " needs a value");
                }
            }
            checkValues(values, switches);
            return new CommandLine(options, values, switches, usage());
        }

        private void checkValues(Map<String, String> values, Set<String> switches) {
            requiredUnless.forEach(
                    (name, flag) -> {
                        if (!values.containsKey(name) && !switches.contains(flag)) {
                            String unless = flag.isEmpty() ? "" : " without --" + flag;
                            throw error("--" + name + " is required" + unless);
                        }
                    });
            for (String name : nonBlank) {
                String v = values.get(name);
                if (v != null && v.isBlank()) {
                    throw error("--" + name + " is blank");
                }
            }
            ranges.forEach(
                    (name, range) -> {
                        String v = values.get(name);
                        if (v != null && !inRange(v, range[0], range[1])) {
                            throw error(
                                    String.format(
                                            "--%s expects an integer from %d to %d, got '%s'",
                                            name, range[0], range[1], v));
                        }
                    });
        }

        private static boolean inRange(String value, long min, long max) {
            try {
                long parsed = Long.parseLong(value.trim());
                return parsed >= min && parsed <= max;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        /**
         * {@link #parse} for a {@code main} that owns its JVM: prints the usage and exits on {@code
         * --help} (status 0) and on a wrong argument (status 2). Not for the job's main, which a
         * Flink cluster may run inside the JobManager.
         */
        public CommandLine parseOrExit(String... args) {
            for (String arg : args) {
                if (arg.equals("--help") || arg.equals("-h")) {
                    System.out.print(usage());
                    System.exit(0);
                }
            }
            try {
                return parse(args);
            } catch (UsageException e) {
                System.err.print("error: " + e.getMessage());
                System.exit(2);
                throw e;
            }
        }

        public String usage() {
            StringBuilder s = new StringBuilder("usage: ").append(program).append(" [arguments]\n");
            valueHelp.forEach(
                    (name, help) -> line(s, "--" + name + " " + placeholders.get(name), help));
            switchHelp.forEach((name, help) -> line(s, "--" + name, help));
            if (optionsHelp != null) {
                line(s, "-Dkey=value", optionsHelp);
            }
            return s.toString();
        }

        private UsageException error(String message) {
            return new UsageException(message, usage());
        }

        private static void line(StringBuilder s, String argument, String help) {
            s.append(String.format("  %-26s %s%n", argument, help));
        }
    }
}
