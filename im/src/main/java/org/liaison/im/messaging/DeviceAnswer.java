package org.liaison.im.messaging;

/**
 * What became of one message sent to one device ({@link DeviceMessenger#send}); the messenger
 * maps its protocol's final status to one of these, delivery decides what follows.
 */
public sealed interface DeviceAnswer {

    DeviceAnswer TOOK = new Took();
    DeviceAnswer NOT_NOW = new NotNow();
    DeviceAnswer UNREACHABLE = new Unreachable();
    DeviceAnswer UNSENDABLE = new Unsendable();

    /** The device has the message (SIP: a 2xx): it never gets it again. */
    record Took() implements DeviceAnswer {
    }

    /**
     * The device refused the message for good (SIP: a 4xx other than 408 and 480): it never gets
     * it again. {@code status} is the device's final status, for the log.
     */
    record Refused(int status) implements DeviceAnswer {
    }

    /** No answer, or not now (SIP: a timeout, 408, 480, 5xx, 6xx): worth trying again later. */
    record NotNow() implements DeviceAnswer {
    }

    /**
     * Nothing can be sent to the device from here now (it is no longer registered, or is not a
     * destination the server may send to): its next registration starts delivery again.
     */
    record Unreachable() implements DeviceAnswer {
    }

    /** The message cannot be sent as it was kept (the messenger says why in its log): skipped for the device. */
    record Unsendable() implements DeviceAnswer {
    }
}
