package io.streamrec.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The options a program reads, to find the keys that look like its own but name none of them: a
 * misspelled {@code -Dvalidation.max-futur=1h} is stored like any other key and never read. Flink's
 * options arrive as {@code -D} too, so only keys under a prefix the program owns (the first segment
 * of its options' keys, less those Flink's options share) are reported.
 */
public final class KnownOptions {
    /** At most this many edits away, a known key is taken for the one that was meant. */
    private static final int MAX_TYPO_EDITS = 2;

    private final String program;
    private final Set<String> keys = new TreeSet<>();
    private final Set<String> prefixes = new TreeSet<>();

    /** Map options, also set key by key ({@code kafka.properties.sasl.mechanism=PLAIN}). */
    private final Set<String> mapKeys = new TreeSet<>();

    /** The keys {@link #newWarnings} has warned about. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param program what the options configure, as the warnings name it
     * @param options the program's options
     * @param sharing options of others (Flink's) whose prefixes are then not the program's
     */
    public KnownOptions(
            String program,
            Collection<? extends ConfigOption<?>> options,
            Collection<? extends ConfigOption<?>> sharing) {
        this.program = program;
        for (ConfigOption<?> option : options) {
            keys.add(option.key());
            option.fallbackKeys().forEach(k -> keys.add(k.getKey()));
            prefixOf(option.key()).ifPresent(prefixes::add);
            if (ConfigurationUtils.canBePrefixMap(option)) {
                mapKeys.add(option.key());
            }
        }
        sharing.forEach(option -> prefixOf(option.key()).ifPresent(prefixes::remove));
    }

    /** The public static {@link ConfigOption} fields of the classes, in their order. */
    public static List<ConfigOption<?>> declaredIn(List<Class<?>> classes) {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Class<?> c : classes) {
            for (Field f : c.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
                    options.add(read(f));
                }
            }
        }
        return options;
    }

    private static ConfigOption<?> read(Field f) {
        try {
            return (ConfigOption<?>) f.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("an option field that is not public: " + f, e);
        }
    }

    /** The keys of {@code conf} under the program's prefixes that name none of its options. */
    public List<String> unknownKeys(ReadableConfig conf) {
        return conf.toMap().keySet().stream()
                .filter(key -> prefixOf(key).filter(prefixes::contains).isPresent())
                .filter(key -> !known(key))
                .sorted()
                .toList();
    }

    /** A warning for each of {@link #unknownKeys}, naming the key probably meant. */
    public List<String> warnings(ReadableConfig conf) {
        return unknownKeys(conf).stream().map(this::warning).toList();
    }

    private String warning(String key) {
        return "option "
                + key
                + " is not a "
                + program
                + " option: nothing reads it"
                + closest(key).map(k -> " (did you mean " + k + "?)").orElse("");
    }

    /**
     * {@link #warnings} for the keys not warned about before by this instance: a program that reads
     * its configuration more than once (the quickstart checks it, then builds the job from it)
     * warns about a key once.
     */
    public List<String> newWarnings(ReadableConfig conf) {
        return unknownKeys(conf).stream().filter(warned::add).map(this::warning).toList();
    }

    /** The known key a few edits from {@code key}, the nearest, if there is one. */
    public Optional<String> closest(String key) {
        return keys.stream()
                .filter(known -> editDistance(key, known) <= MAX_TYPO_EDITS)
                .min(Comparator.comparingInt(known -> editDistance(key, known)));
    }

    private boolean known(String key) {
        return keys.contains(key)
                || mapKeys.stream()
                        .anyMatch(map -> ConfigurationUtils.filterPrefixMapKey(map, key));
    }

    private static Optional<String> prefixOf(String key) {
        int dot = key.indexOf('.');
        return dot > 0 ? Optional.of(key.substring(0, dot)) : Optional.empty();
    }

    /** Levenshtein distance: the fewest insertions, deletions and substitutions from a to b. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
