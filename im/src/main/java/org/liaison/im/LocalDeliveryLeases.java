package org.liaison.im;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deliveries of this process only, in memory: what one machine needs, where no other process
 * delivers from the same store. A lease never lapses; it is held until released.
 */
public final class LocalDeliveryLeases implements DeliveryLeases {
    private static final Claim HELD_HERE = new HeldHere();

    private final Map<String, Lease> held = new ConcurrentHashMap<>();

    @Override
    public Claim take(String recipient, String deviceKey) {
        String device = recipient + "\n" + deviceKey;
        Lease lease = new Lease() {
            @Override
            public boolean renew() {
                return true;
            }

            @Override
            public void release() {
                held.remove(device, this);
            }
        };
        return held.putIfAbsent(device, lease) == null ? new Granted(lease) : HELD_HERE;
    }
}
