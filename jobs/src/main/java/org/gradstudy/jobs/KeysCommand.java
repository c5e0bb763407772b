package org.gradstudy.jobs;

import org.gradstudy.study.Axis;
import org.gradstudy.study.Setting;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code gradstudy keys}: every study-file key with its default and meaning, from the one place they are declared. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "List every study-file key, its default and what it means.")
final class KeysCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.print(table());
        return 0;
    }

    /** The key table as Markdown (the README's copy comes from here). */
    static String table() {
        StringBuilder sb = new StringBuilder("| key | default | allowed | meaning |\n|---|---|---|---|\n");
        for (Setting s : Setting.values())
            sb.append(String.format("| `%s` | %s | %s | %s |%n", s.path(),
                    s.defaultValue() == null ? "file name" : fmt(s.defaultValue()), s.allowed(), s.doc()));
        for (Axis a : Axis.ordered())
            sb.append(String.format("| `axes.%s` | [%s] | list of: %s | %s |%n", a.key(), a.format(a.defaultValue()),
                    a.domain().allowed(), a.doc()));
        return sb.toString();
    }

    private static String fmt(Object v) {
        return v instanceof org.gradstudy.study.Keyed k ? k.key() : String.valueOf(v);
    }
}
