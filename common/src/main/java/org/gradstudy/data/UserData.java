package org.gradstudy.data;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A user's data set, loaded once (by the driver) and shipped to every trial: features (rows x columns)
 * and integer class labels 0..classes-1.
 */
public record UserData(double[][] x, int[] labels, int classes, String[] featureNames, String source) implements Serializable {
    public UserData {
        if (x.length != labels.length) throw new IllegalArgumentException("features and labels differ in length");
        if (x.length < 4) throw new IllegalArgumentException("need at least 4 rows, got " + x.length);
    }

    public int rows() { return x.length; }

    public int features() { return x[0].length; }

    /** SHA-256 prefix of the values: a changed file gives new trial ids. */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(8);
            for (int i = 0; i < x.length; i++) {
                for (double v : x[i]) { b.clear(); md.update(b.putDouble(v).array()); }
                b.clear();
                md.update(b.putLong(labels[i]).array());
            }
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
