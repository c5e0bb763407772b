package org.gradstudy.engine;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.gradstudy.result.LayerStat;
import org.gradstudy.result.LayerStats;
import org.gradstudy.study.ProbeSettings;
import org.gradstudy.study.TrialConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probe reads a recorded step's parameter norms after the previous update, in the same pass as that
 * update's norm: they must be bit for bit the norms of the parameters the step itself starts from.
 */
class ParamNormTest {

    /** Reads every slot's parameter norm at the gradient callback, after the probe (listeners run in order). */
    private static final class Witness extends BaseTrainingListener {
        final List<ParamSlot> slots;
        final Map<Integer, double[]> norms = new HashMap<>();
        int step;

        Witness(List<ParamSlot> slots) { this.slots = slots; }

        @Override
        public void onGradientCalculation(Model model) {
            double[] l2 = new double[slots.size()];
            for (int i = 0; i < l2.length; i++) l2[i] = TensorStats.l2(model.getParam(slots.get(i).key()), new Scratch());
            norms.put(step, l2);
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) { step++; }
    }

    @Test
    void recordedParameterNormsAreThoseTheStepStartsFrom() {
        List<TrialConfig> trials = new ArrayList<>(OverheadFixesTest.techniques());
        // A sparse schedule too: norms read ahead only before scheduled steps, directly otherwise.
        TrialConfig t0 = trials.get(0);
        trials.add(new TrialConfig(t0.study(), t0.studySeed(), t0.replicate(), t0.seed(), t0.point(), t0.training(), new ProbeSettings(3, 2, 0)));
        for (TrialConfig t : trials) {
            Trainer trainer = new Trainer(t, null, true);
            try {
                Witness witness = new Witness(trainer.built.slots());
                trainer.net.setListeners(trainer.probe, witness);
                for (int s = 0; s < t.training().steps(); s++) trainer.step();
                LayerStats stats = trainer.probe.stats();
                int slots = trainer.built.slots().size(), checked = 0;
                assertEquals(0, stats.size() % slots);
                for (int r = 0; r < stats.size(); r++) {
                    LayerStat row = stats.get(r);
                    double want = witness.norms.get(row.step())[r % slots];
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(row.paramL2()),
                            t.point() + " step " + row.step() + " " + row.kind() + row.layer() + " " + row.param() + ": " + want + " vs " + row.paramL2());
                    checked++;
                }
                assertTrue(checked >= slots * 2, "at least two recorded steps: " + checked / slots);
            } finally {
                Trainer.releaseThreadWorkspaces();
            }
        }
    }
}
