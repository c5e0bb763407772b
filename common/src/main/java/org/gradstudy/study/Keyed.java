package org.gradstudy.study;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** A closed set of choices spelled in study files by a stable, lower-case, dash-separated key. */
public interface Keyed {
    /** The spelling used in study files and in the result tables. */
    String key();

    /** The constant of {@code type} spelled {@code key}, if any. */
    static <E extends Enum<E> & Keyed> Optional<E> byKey(Class<E> type, String key) {
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.key().equals(key)).findFirst();
    }

    /** The allowed spellings, comma-separated, in declaration order. */
    static <E extends Enum<E> & Keyed> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Keyed::key).collect(Collectors.joining(", "));
    }

    /** Dashed lower-case spelling of an enum constant name: LEAKY_RELU becomes leaky-relu. */
    static String dashed(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
