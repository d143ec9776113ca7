/** Helpers every module's tests share (test scope only): waiting for a condition with a deadline. */
package org.liaison.testing;
