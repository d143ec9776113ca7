package org.liaison.media.relay;

import java.util.concurrent.atomic.LongAdder;
import org.liaison.media.MediaDestinations;

/**
 * What every {@link SourceLock} of the relay shares: the learning window, the counter of unchecked
 * locks, and where media may go (a source the relay would send back to is a destination too).
 */
record LearningRule(long windowNanos, LongAdder unverifiedLocks, MediaDestinations destinations) {

    SourceLock newLock() {
        return new SourceLock(this);
    }
}
