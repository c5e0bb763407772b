package org.gradstudy.jobs;

import org.gradstudy.study.StudyException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code gradstudy <command> ...}. Exit codes: 0 complete, 1 failed, 2 bad input, 3 partial (run again). */
@Command(name = "gradstudy", mixinStandardHelpOptions = true, versionProvider = Gradstudy.Version.class,
        description = "Measures vanishing and exploding gradients across techniques, depths and seeds.",
        subcommands = {RunCommand.class, AggregateCommand.class, ReportCommand.class, StatusCommand.class, PlanCommand.class, TrialCommand.class, KeysCommand.class, BenchCommand.class,
                SqlCommand.class, DdlCommand.class,
                CommandLine.HelpCommand.class})
public final class Gradstudy {
    /** Exit code for input the user must fix: a bad study file, option or path. */
    public static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with gradstudy's error handling: bad input prints one clear message, exit 2. */
    public static CommandLine commandLine() {
        return new CommandLine(new Gradstudy())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof StudyException || e instanceof BadInputException) {
                        cmd.getErr().println("gradstudy: " + e.getMessage().replace("\n", "\ngradstudy: "));
                        return BAD_INPUT;
                    }
                    throw e;
                });
    }

    /** Version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            return new String[] {org.gradstudy.result.Versions.summary(null)};
        }
    }
}
