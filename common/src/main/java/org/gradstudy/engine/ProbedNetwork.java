package org.gradstudy.engine;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;

/** A built network and the parameter tensors the probe records, in layer order. */
public record ProbedNetwork(MultiLayerNetwork net, List<ParamSlot> slots) {
    public ProbedNetwork {
        slots = List.copyOf(slots);
    }
}
