package org.gradstudy.result;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions recorded with every result (provenance). */
public final class Versions {
    private static final Properties P = new Properties();

    static {
        try (InputStream in = Versions.class.getResourceAsStream("/org/gradstudy/version.properties")) {
            if (in != null) P.load(in);
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Versions() {}

    public static String gradstudy() { return P.getProperty("gradstudy", "unknown"); }

    public static String dl4j() { return P.getProperty("dl4j", "unknown"); }

    /** gradstudy, DL4J and Java versions, plus {@code extra} (e.g. the Spark version) when given. */
    public static String summary(String extra) {
        String s = "gradstudy=" + gradstudy() + " dl4j=" + dl4j() + " java=" + System.getProperty("java.version");
        return extra == null || extra.isEmpty() ? s : s + " " + extra;
    }
}
