package io.streamrec.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import io.streamrec.gateway.GatewayServer;
import io.streamrec.job.StreamrecJob;
import io.streamrec.kafka.KafkaSettings;
import io.streamrec.ps.ParameterShardOperator;
import io.streamrec.schema.SavepointContract;
import io.streamrec.tools.quickstart.QuickstartMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the modules, checked on the classes of every streamrec module (test classes
 * excluded): the pipeline (the job jar, the parameter server, the state schemas) never reaches into
 * the tools or the gateway, which run beside it, and the top-level packages form no cycle.
 */
class ArchitectureTest {
    /** Everything beside the pipeline; every other io.streamrec package is pipeline. */
    private static final String[] BESIDE_THE_PIPELINE = {
        "io.streamrec.tools..", "io.streamrec.gateway.."
    };

    /** A class of each module: state-schemas, wire, parameter-server, pipeline, tools, gateway. */
    private static final Class<?>[] MODULES = {
        SavepointContract.class,
        KafkaSettings.class,
        ParameterShardOperator.class,
        StreamrecJob.class,
        QuickstartMain.class,
        GatewayServer.class
    };

    private static JavaClasses classes;

    /**
     * Imports the modules' own classes folders or jars only: scanning the whole classpath for
     * package io.streamrec opens every dependency jar and takes half a minute.
     */
    @BeforeAll
    static void importClasses() throws Exception {
        List<Location> locations = new ArrayList<>();
        for (Class<?> module : MODULES) {
            Path path = Path.of(module.getProtectionDomain().getCodeSource().getLocation().toURI());
            locations.add(
                    Files.isRegularFile(path)
                            ? Location.of(new JarFile(path.toFile()))
                            : Location.of(path));
        }
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importLocations(locations);
    }

    @Test
    void pipelineDependsOnNeitherToolsNorGateway() {
        noClasses()
                .that()
                .resideOutsideOfPackages(BESIDE_THE_PIPELINE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(BESIDE_THE_PIPELINE)
                .because("the job jar ships without the tools and the gateway")
                .check(classes);
    }

    @Test
    void servingDoesNotUseTheOfflineBaselines() {
        noClasses()
                .that()
                .resideInAPackage("io.streamrec.serving..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.streamrec.tools.offline..")
                .because("serving ranks with the live model, not with the offline evaluator")
                .check(classes);
    }

    @Test
    void topLevelPackagesHaveNoCycles() {
        slices().matching("io.streamrec.(*)..").should().beFreeOfCycles().check(classes);
    }
}
