/**
 * The ground package: the small SIP message types every other package shares (the JAIN-SIP factories, the
 * responses we generate, the router's {@code Outcome}, a fork's {@code Target}, the {@code Flow} a request came
 * over, our {@code LocalAddresses}, the {@code FlowRouter}); it depends on JAIN-SIP and nothing else of ours.
 */
package org.liaison.sip.message;
