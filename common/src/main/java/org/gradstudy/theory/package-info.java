/** Mean-field predictions that measured gradients are checked against. */
package org.gradstudy.theory;
