package org.gradstudy.jobs;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the installation the launcher runs from: system property gradstudy.home, which bin/gradstudy sets. */
final class Installation {
    private Installation() {}

    /** {@code conf/<parts>} of the installation when it is there, else of the working directory. */
    static Path conf(String... parts) {
        Path relative = Path.of("conf", parts);
        String home = System.getProperty("gradstudy.home");
        if (home != null) {
            Path p = Path.of(home).resolve(relative);
            if (Files.exists(p)) return p;
        }
        return relative;
    }
}
