package io.linewatch.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.linewatch.capture.LayerViolationFixture;
import org.junit.jupiter.api.Test;

/**
 * Every import arrow points down (README, "Layout"): the command line on top, then the servers that
 * show a running daemon (ops, opcua and web; web imports neither), then the assembly, then engine building and evaluation, then the stages
 * (capture, preprocess, inference, postprocess, sinks), each of which sees only the ground and the
 * config; and no two packages import each other, however indirectly.
 */
class ArchitectureTest {

    private static final String[] STAGES = {"capture", "preprocess", "inference", "postprocess", "sinks"};

    /** The layers, top to bottom; a layer may be used only by the layers named above it. */
    static ArchRule layers() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("io.linewatch.cli..")
                .layer("servers").definedBy("io.linewatch.ops..", "io.linewatch.opcua..")
                .layer("web").definedBy("io.linewatch.web..")
                .layer("assembly").definedBy("io.linewatch.daemon..")
                .layer("enginebuild").definedBy("io.linewatch.enginebuild..")
                .layer("eval").definedBy("io.linewatch.eval..")
                .layer("capture").definedBy("io.linewatch.capture..")
                .layer("preprocess").definedBy("io.linewatch.preprocess..")
                .layer("inference").definedBy("io.linewatch.inference..")
                .layer("postprocess").definedBy("io.linewatch.postprocess..")
                .layer("sinks").definedBy("io.linewatch.sinks..")
                .layer("ground").definedBy("io.linewatch.pipeline..")
                .layer("config").definedBy("io.linewatch.config..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("servers").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("web").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("assembly").mayOnlyBeAccessedByLayers("cli", "servers", "web")
                .whereLayer("enginebuild").mayOnlyBeAccessedByLayers("cli", "assembly")
                .whereLayer("eval").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("capture").mayOnlyBeAccessedByLayers("cli", "servers", "web", "assembly", "enginebuild")
                .whereLayer("preprocess").mayOnlyBeAccessedByLayers("cli", "servers", "web", "assembly", "enginebuild")
                .whereLayer("inference").mayOnlyBeAccessedByLayers("cli", "servers", "web", "assembly", "enginebuild")
                .whereLayer("postprocess").mayOnlyBeAccessedByLayers("cli", "servers", "web", "assembly", "enginebuild")
                .whereLayer("sinks").mayOnlyBeAccessedByLayers("cli", "servers", "web", "assembly", "enginebuild")
                .whereLayer("ground").mayOnlyBeAccessedByLayers(above("ground"))
                .whereLayer("config").mayOnlyBeAccessedByLayers(above("config"))
                .as("every import arrow points down: cli > ops, opcua, web > daemon > enginebuild, eval > stages ("
                        + String.join(", ", STAGES) + ", none importing another) > pipeline (the ground) > config");
    }

    /** No cycle between the top-level packages (a subpackage counts with its parent). */
    static ArchRule noCycles() {
        return slices().matching("io.linewatch.(*)..").should().beFreeOfCycles();
    }

    private static String[] above(String layer) {
        String[] order = {"cli", "servers", "web", "assembly", "enginebuild", "eval", "capture", "preprocess", "inference",
                "postprocess", "sinks", "ground", "config"};
        return java.util.Arrays.copyOf(order, java.util.Arrays.asList(order).indexOf(layer));
    }

    private static JavaClasses mainClasses() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.linewatch");
    }

    @Test
    void everyImportArrowPointsDown() {
        JavaClasses classes = mainClasses();
        assertThat(classes.stream().map(c -> c.getPackageName()).distinct())
                .as("the rules see the code they guard").contains("io.linewatch.daemon", "io.linewatch.capture",
                        "io.linewatch.pipeline", "io.linewatch.inference.tensorrt", "io.linewatch.opcua");
        layers().check(classes);
    }

    @Test
    void packagesFormNoCycle() {
        noCycles().check(mainClasses());
    }

    /** The rules can fail: a stage class that reaches up into the assembly is named in the message. */
    @Test
    void aStageThatImportsTheAssemblyFailsWithAMessageNamingIt() {
        JavaClasses withViolation = new ClassFileImporter().importClasses(LayerViolationFixture.class,
                io.linewatch.daemon.Pipeline.class, io.linewatch.pipeline.FrameEvent.class);
        assertThatThrownBy(() -> layers().check(withViolation))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("every import arrow points down")
                .hasMessageContaining("io.linewatch.capture.LayerViolationFixture")
                .hasMessageContaining("io.linewatch.daemon.Pipeline");
    }
}
