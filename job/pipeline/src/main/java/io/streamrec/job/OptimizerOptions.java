package io.streamrec.job;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The parameter server's per-row optimizer. Read in one place: {@link JobSettings}. */
public final class OptimizerOptions {
    private OptimizerOptions() {}

    /** Which per-row optimizer the parameter server runs. */
    public enum OptimizerType {
        ADAGRAD,
        FTRL
    }

    public static final ConfigOption<OptimizerType> TYPE =
            ConfigOptions.key("optimizer.type")
                    .enumType(OptimizerType.class)
                    .defaultValue(OptimizerType.ADAGRAD)
                    .withDescription("Per-row optimizer: ADAGRAD or FTRL (FTRL-Proximal).");

    public static final ConfigOption<Double> LEARNING_RATE =
            ConfigOptions.key("optimizer.learning-rate")
                    .doubleType()
                    .defaultValue(0.1)
                    .withDescription("AdaGrad learning rate, or FTRL alpha.");

    public static final ConfigOption<Double> ADAGRAD_INITIAL_ACCUMULATOR =
            ConfigOptions.key("optimizer.adagrad.initial-accumulator")
                    .doubleType()
                    .defaultValue(0.1)
                    .withDescription("AdaGrad's starting accumulator: caps the first steps.");

    public static final ConfigOption<Double> FTRL_BETA =
            ConfigOptions.key("optimizer.ftrl.beta")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription("FTRL beta.");

    public static final ConfigOption<Double> FTRL_L1 =
            ConfigOptions.key("optimizer.ftrl.l1")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription("FTRL L1 strength (sparsifies weights).");

    public static final ConfigOption<Double> L2 =
            ConfigOptions.key("optimizer.l2")
                    .doubleType()
                    .defaultValue(0.01)
                    .withDescription(
                            "Base L2 strength; a row updated n times gets l2 / sqrt(1 + n).");
}
