package org.gradstudy.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/** A warehouse: a Hadoop directory (local path, hdfs://, s3a://, ...) holding one directory per table. */
public record Warehouse(String root) {
    public Warehouse {
        root = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
    }

    /** The directory of table {@code name}. */
    public String table(String name) { return root + "/" + name; }

    /**
     * Fails with {@link BadInputException} when the warehouse cannot hold tables: it is a file, or it
     * (or its nearest existing parent) cannot be written. Nothing is created.
     */
    public void checkWritable(Configuration hadoop) {
        try {
            Path raw = new Path(root);
            FileSystem fs = raw.getFileSystem(hadoop);
            Path p = fs.makeQualified(raw);
            Path probe = p;
            while (probe != null && !fs.exists(probe)) probe = probe.getParent();
            if (probe == null) return;
            FileStatus st = fs.getFileStatus(probe);
            if (!st.isDirectory())
                throw new BadInputException("warehouse " + root + ": " + probe + " is a file, not a directory; "
                        + "pass --warehouse with a directory path");
            // Permission bits do not tell (root writes anywhere, but not into /proc): try it, and leave no trace.
            Path check = new Path(probe, ".gradstudy-write-check-" + java.util.UUID.randomUUID());
            boolean made;
            try {
                made = fs.mkdirs(check);
            } catch (IOException e) {
                made = false;
            }
            if (!made)
                throw new BadInputException("warehouse " + root + ": directory " + probe + " is not writable; "
                        + "pass --warehouse with a writable directory");
            fs.delete(check, true);
        } catch (IOException e) {
            throw new BadInputException("warehouse " + root + ": cannot be reached: " + e.getMessage());
        }
    }
}
