package org.gradstudy.jobs;

/** Input the user must fix (a path, an option); the command line prints its message and exits 2. */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) { super(message); }
}
