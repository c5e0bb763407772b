/** The Spark side: one class per job, table schemas, and the command line. */
package org.gradstudy.jobs;
