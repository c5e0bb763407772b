/** Engine-agnostic statistics for the aggregate tables: bootstrap intervals of paired differences. */
package org.gradstudy.analysis;
