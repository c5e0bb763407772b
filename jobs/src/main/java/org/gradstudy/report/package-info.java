/** A study report without Spark: plain rows in ({@code ReportData}), XChart charts ({@code ReportCharts}), the HTML page and its atomic write ({@code ReportPage}). */
package org.gradstudy.report;
