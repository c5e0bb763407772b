/** What a trial produces: its status, metrics and per-layer statistics, as records. */
package org.gradstudy.result;
