package org.gradstudy.engine;

import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.List;

/** A built network, its trainable parameter tensors and its hidden activations, in layer order. */
public record ProbedNetwork(ComputationGraph net, List<ParamSlot> slots, List<ActivationSlot> activations) {
    public ProbedNetwork {
        slots = List.copyOf(slots);
        activations = List.copyOf(activations);
    }
}
