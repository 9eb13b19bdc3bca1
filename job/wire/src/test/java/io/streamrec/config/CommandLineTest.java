package io.streamrec.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.kafka.KafkaOptions;
import io.streamrec.records.ValidationOptions;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    private static final CommandLine.Spec SPEC =
            CommandLine.spec("tool")
                    .value("rate", "N", "events/s")
                    .value("command", "CMD", "what ran")
                    .flag("create-topics", "create topics")
                    .options("job options");

    @Test
    void readsOptionsValuesAndSwitches() {
        CommandLine cli =
                SPEC.parse(
                        "-Dvalidation.dedupe-max-ids=64",
                        "--rate",
                        "2000",
                        "-Dkafka.properties=a:b,c:d=e",
                        "--create-topics",
                        "--command=deploy/bench.sh --only serving");

        assertThat(cli.options().get(ValidationOptions.DEDUPE_MAX_IDS)).isEqualTo(64);
        assertThat(cli.options().get(KafkaOptions.PROPERTIES))
                .containsEntry("a", "b")
                .containsEntry("c", "d=e");
        assertThat(cli.doubleValue("rate", 0)).isEqualTo(2000.0);
        assertThat(cli.value("command")).hasValue("deploy/bench.sh --only serving");
        assertThat(cli.has("create-topics")).isTrue();
    }

    @Test
    void aValueMayLookLikeAnArgumentOrBeEmpty() {
        CommandLine cli = SPEC.parse("--command", "--only serving", "--rate", "");

        assertThat(cli.value("command")).hasValue("--only serving");
        assertThat(cli.value("rate")).hasValue("");
    }

    @Test
    void absentArgumentsFallBackToTheirDefaults() {
        CommandLine cli = SPEC.parse();

        assertThat(cli.intValue("rate", 7)).isEqualTo(7);
        assertThat(cli.value("command", "x")).isEqualTo("x");
        assertThat(cli.has("create-topics")).isFalse();
        assertThat(cli.options().keySet()).isEmpty();
    }

    @Test
    void anUnknownArgumentIsNamedAndTheUsageFollows() {
        assertThatThrownBy(() -> SPEC.parse("--rate", "1", "--rat", "2"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("unknown argument '--rat'")
                .hasMessageContaining("usage: tool")
                .hasMessageContaining("--rate N")
                .hasMessageContaining("--create-topics")
                .hasMessageContaining("-Dkey=value");
        assertThatThrownBy(() -> SPEC.parse("stray"))
                .hasMessageStartingWith("unknown argument 'stray'");
        assertThatThrownBy(() -> SPEC.parse("--create-topics=yes"))
                .hasMessageStartingWith("unknown argument '--create-topics=yes'");
    }

    @Test
    void malformedArgumentsAreRejected() {
        assertThatThrownBy(() -> SPEC.parse("--rate"))
                .hasMessageStartingWith("--rate needs a value");
        assertThatThrownBy(() -> SPEC.parse("-Dmodel.dim"))
                .hasMessageStartingWith("expected -Dkey=value, got '-Dmodel.dim'");
        assertThatThrownBy(() -> SPEC.parse("-D=3")).hasMessageStartingWith("expected -Dkey=value");
        assertThatThrownBy(() -> SPEC.parse("--rate", "fast").intValue("rate", 0))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("--rate expects an integer, got 'fast'");
    }

    @Test
    void optionsAreRejectedWhereAMainTakesNone() {
        CommandLine.Spec noOptions = CommandLine.spec("bench").value("out", "DIR", "output");

        assertThatThrownBy(() -> noOptions.parse("-Dmodel.dim=8"))
                .hasMessageStartingWith("unknown argument '-Dmodel.dim=8'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("-Dkey=value"));
    }

    private static final CommandLine.Spec CHECKED =
            CommandLine.spec("audit")
                    .value("user", "ID", "who")
                    .value("savepoint", "URI", "where")
                    .value("key-file", "FILE", "key")
                    .value("timeout-s", "T", "seconds")
                    .flag("topic-only", "no savepoint")
                    .required("user")
                    .requiredUnless("savepoint", "topic-only")
                    .nonBlank("key-file")
                    .range("timeout-s", 0, 86_400);

    @Test
    void declaredChecksAreUsageErrorsNamingTheArgument() {
        assertThat(
                        CHECKED.parse("--user", "u", "--savepoint", "s", "--timeout-s", "86400")
                                .value("user"))
                .hasValue("u");
        assertThat(CHECKED.parse("--user", "u", "--topic-only").value("savepoint")).isEmpty();

        assertThatThrownBy(() -> CHECKED.parse("--savepoint", "s"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("--user is required\n");
        assertThatThrownBy(() -> CHECKED.parse("--user", "u"))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("--savepoint is required without --topic-only\n");
        assertThatThrownBy(() -> CHECKED.parse("--user", "u", "--topic-only", "--key-file", " "))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessageStartingWith("--key-file is blank\n");
        for (String bad : new String[] {"86401", "-1", "1000000000000000", "soon"}) {
            assertThatThrownBy(
                            () -> CHECKED.parse("--user", "u", "--topic-only", "--timeout-s", bad))
                    .isInstanceOf(CommandLine.UsageException.class)
                    .hasMessageStartingWith(
                            "--timeout-s expects an integer from 0 to 86400, got '" + bad + "'");
        }
    }
}
