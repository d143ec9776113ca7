/** Helpers every module's tests share (test scope only): waiting with a deadline, a clock moved by hand. */
package org.liaison.testing;
