package org.gradstudy.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Train and held-out examples: features (n x inputs) and one-hot labels (n x classes). */
public record DataSplit(INDArray trainX, INDArray trainY, INDArray testX, INDArray testY) {
    public int trainSize() { return (int) trainX.rows(); }
}
