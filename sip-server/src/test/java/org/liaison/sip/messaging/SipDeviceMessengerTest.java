package org.liaison.sip.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.liaison.im.messaging.DeviceAnswer;

/** A device's final status to a stored message, as im's delivery reads it. */
class SipDeviceMessengerTest {

    @Test
    void a2xxMeansTheDeviceHasIt() {
        assertEquals(DeviceAnswer.TOOK, SipDeviceMessenger.answerOf(200));
        assertEquals(DeviceAnswer.TOOK, SipDeviceMessenger.answerOf(202));
    }

    @Test
    void a4xxOtherThan408And480RefusesItForGood() {
        assertEquals(new DeviceAnswer.Refused(403), SipDeviceMessenger.answerOf(403));
        assertEquals(new DeviceAnswer.Refused(415), SipDeviceMessenger.answerOf(415));
    }

    @Test
    void timeoutsUnavailableAndServerOrGlobalFailuresAreTriedAgain() {
        for (int status : new int[] {408, 480, 500, 503, 603}) {
            assertEquals(DeviceAnswer.NOT_NOW, SipDeviceMessenger.answerOf(status), "status " + status);
        }
    }
}
