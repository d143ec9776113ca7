package org.liaison.sip.proxy;

import java.util.List;
import java.util.ListIterator;
import javax.sip.header.Header;
import javax.sip.message.Response;

/**
 * RFC 3261 §16.7 steps 6 and 7: which final response of a fork goes upstream when no branch
 * succeeded, and the challenges it carries.
 * A 6xx wins outright; otherwise the lowest class wins, and within it the responses that tell the
 * caller what to do (authenticate, fix the request) are preferred over generic ones.
 */
final class BestResponse {
    private BestResponse() {
    }

    /** The index in {@code statuses} of the response to forward; statuses are final (300-699). */
    static int choose(List<Integer> statuses) {
        int best = -1;
        for (int i = 0; i < statuses.size(); i++) {
            if (best < 0 || rank(statuses.get(i)) < rank(statuses.get(best))) {
                best = i;
            }
        }
        return best;
    }

    private static int rank(int status) {
        if (status >= 600) {
            return 0;
        }
        int byClass = (status / 100) * 1000;
        return byClass + switch (status) {
            case Response.UNAUTHORIZED, Response.PROXY_AUTHENTICATION_REQUIRED -> 1;
            case Response.UNSUPPORTED_MEDIA_TYPE, Response.BAD_EXTENSION, Response.ADDRESS_INCOMPLETE -> 2;
            case Response.BUSY_HERE -> 3;
            case Response.REQUEST_TERMINATED -> 4;
            // a timed-out or unreachable device says least about the callee
            case Response.REQUEST_TIMEOUT, Response.TEMPORARILY_UNAVAILABLE -> 900;
            default -> 10 + status % 100;
        };
    }

    /** §16.7 step 7: a 401/407 upstream carries the challenges of every branch that asked. */
    static void mergeChallenges(List<Branch> branches, Response upstream) {
        for (Branch b : branches) {
            if (b.finalResponse == null || b.finalResponse == upstream) {
                continue;
            }
            for (String name : List.of("WWW-Authenticate", "Proxy-Authenticate")) {
                ListIterator<?> it = b.finalResponse.getHeaders(name);
                while (it.hasNext()) {
                    upstream.addHeader((Header) it.next());
                }
            }
        }
    }
}
