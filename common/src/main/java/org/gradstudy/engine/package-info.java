/** The trial engine: network building, the training loop and the gradient probe (DL4J, no Spark). */
package org.gradstudy.engine;
