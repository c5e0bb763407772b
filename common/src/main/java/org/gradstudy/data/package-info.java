/** Synthetic data sets generated deterministically from a trial's seed. */
package org.gradstudy.data;
