package org.gradstudy.engine;

import java.util.SplittableRandom;

/**
 * The order in which a trial visits its training examples: reshuffled epochs (seeded by the trial),
 * fixed-size batches, an incomplete tail dropped. Training and the replay export share it, so the
 * exported first minibatch is exactly the one step 0 trained on.
 */
final class Minibatches {
    private final int[] order;
    private final int batch;
    private final SplittableRandom rnd;
    private int pos;

    Minibatches(int examples, int batch, long seed) {
        if (batch > examples) throw new IllegalArgumentException("batch size " + batch + " exceeds the " + examples + " training examples");
        this.order = new int[examples];
        for (int i = 0; i < examples; i++) order[i] = i;
        this.batch = batch;
        this.rnd = new SplittableRandom(seed + 1);
        this.pos = examples;
    }

    /** The rows of the next minibatch (a new array each call). */
    int[] next() {
        return next(new int[batch]);
    }

    /** Writes the rows of the next minibatch into {@code rows} (of the batch size) and returns it. */
    int[] next(int[] rows) {
        if (rows.length != batch) throw new IllegalArgumentException("expected " + batch + " rows, got " + rows.length);
        if (pos + batch > order.length) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i]; order[i] = order[j]; order[j] = t;
            }
            pos = 0;
        }
        System.arraycopy(order, pos, rows, 0, batch);
        pos += batch;
        return rows;
    }
}
