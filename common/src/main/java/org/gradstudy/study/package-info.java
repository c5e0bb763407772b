/** Study files: the axes and settings, their parsing and validation, and expansion into trials. */
package org.gradstudy.study;
