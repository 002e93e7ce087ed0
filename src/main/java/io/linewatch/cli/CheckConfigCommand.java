package io.linewatch.cli;

import io.linewatch.config.LinewatchConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code linewatch check-config FILE}: parse and validate, print a one-line verdict. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Checks a config file and prints what it defines, or the one thing wrong with it.")
final class CheckConfigCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The YAML config file.")
    Path file;

    @Override
    public Integer call() {
        LinewatchConfig c = Main.loadConfig(file);
        System.out.printf("%s: ok: site %s, %d camera(s), %d model(s), %d alarm rule(s), mqtt %s%n", file, c.site(),
                    c.cameras().size(), c.models().size(),
                    c.alarms().size() + c.temperatureAlarms().size() + c.defectAlarms().size(),
                c.mqtt().enabled() ? c.mqtt().url() : "off");
        return 0;
    }
}
