package org.liaison.sip.registrar;

import org.liaison.im.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.liaison.sip.registrar.TestBindings.contact;
import static org.liaison.sip.registrar.TestBindings.device;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LocationService} promises. An implementation's test class implements this
 * interface and says how to make an empty instance.
 */
interface LocationServiceContract {
    Instant START = Instant.parse("2025-03-01T09:00:00Z");
    Instant IN_AN_HOUR = START.plus(Duration.ofHours(1));

    /** A new, empty location service that reads the time from {@code clock}. */
    LocationService emptyLocationService(MutableClock clock);

    private LocationService locations() {
        return emptyLocationService(new MutableClock(START));
    }

    @Test
    default void lookupOfAnUnknownAddressOfRecordIsEmpty() {
        assertEquals(List.of(), locations().lookup("nobody"));
    }

    @Test
    default void updateStoresTheBindingsThatLookupReturnsInOrder() {
        LocationService locations = locations();
        List<Binding> bindings = List.of(contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR),
                device("alice", "urn:uuid:a1", 1, "sip:alice@192.0.2.2;ob", IN_AN_HOUR));

        List<Binding> stored = locations.update("alice", current -> bindings);

        assertEquals(bindings, stored);
        assertEquals(bindings, locations.lookup("alice"));
    }

    @Test
    default void updateHandsTheChangeTheCurrentLiveBindings() {
        LocationService locations = locations();
        Binding first = contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR);
        locations.update("alice", current -> List.of(first));
        AtomicReference<List<Binding>> seen = new AtomicReference<>();

        locations.update("alice", current -> {
            seen.set(current);
            return current;
        });

        assertEquals(List.of(first), seen.get());
    }

    @Test
    default void expiredBindingsAreNeverReturnedNorHandedToAChange() {
        MutableClock clock = new MutableClock(START);
        LocationService locations = emptyLocationService(clock);
        Binding soon = device("alice", "urn:uuid:soon", 1, "sip:alice@192.0.2.1", START.plusSeconds(60));
        Binding later = contact("alice", "sip:alice@192.0.2.2", IN_AN_HOUR);
        locations.update("alice", current -> List.of(soon, later));

        clock.advance(Duration.ofSeconds(60));

        assertEquals(List.of(later), locations.lookup("alice"));
        assertEquals(Optional.empty(), locations.findByInstance("alice", "urn:uuid:soon"));
        assertEquals(Optional.empty(), locations.findByContact("sip:alice@192.0.2.1"));
        assertEquals(1, locations.count());
        AtomicReference<List<Binding>> seen = new AtomicReference<>();
        locations.update("alice", current -> {
            seen.set(current);
            return current;
        });
        assertEquals(List.of(later), seen.get());
    }

    @Test
    default void anEmptyResultRemovesTheAddressOfRecord() {
        LocationService locations = locations();
        locations.update("alice", current -> List.of(contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR)));

        locations.update("alice", current -> List.of());

        assertEquals(List.of(), locations.lookup("alice"));
        assertEquals(0, locations.count());
    }

    @Test
    default void aChangeThatThrowsChangesNothing() {
        LocationService locations = locations();
        Binding kept = contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR);
        locations.update("alice", current -> List.of(kept));

        assertThrows(IllegalStateException.class, () -> locations.update("alice", current -> {
            throw new IllegalStateException("refused");
        }));

        assertEquals(List.of(kept), locations.lookup("alice"));
    }

    @Test
    default void returningTheGivenListKeepsTheBindingsAsTheyAre() {
        LocationService locations = locations();
        Binding kept = contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR);
        locations.update("alice", current -> List.of(kept));

        List<Binding> result = locations.update("alice", current -> current);

        assertEquals(List.of(kept), result);
        assertEquals(List.of(kept), locations.lookup("alice"));
    }

    @Test
    default void aBindingOfAnotherAddressOfRecordIsRefused() {
        LocationService locations = locations();

        assertThrows(IllegalArgumentException.class,
                () -> locations.update("alice", current -> List.of(contact("bob", "sip:bob@192.0.2.1", IN_AN_HOUR))));

        assertEquals(List.of(), locations.lookup("alice"));
        assertEquals(List.of(), locations.lookup("bob"));
    }

    @Test
    default void twoBindingsOfTheSameDeviceAreRefused() {
        LocationService locations = locations();

        assertThrows(IllegalArgumentException.class, () -> locations.update("alice", current -> List.of(
                device("alice", "urn:uuid:a1", 1, "sip:alice@192.0.2.1", IN_AN_HOUR),
                device("alice", "urn:uuid:a1", 1, "sip:alice@192.0.2.2", IN_AN_HOUR))));

        assertEquals(List.of(), locations.lookup("alice"));
    }

    @Test
    default void removeAllForgetsEveryBindingOfThatAddressOfRecordOnly() {
        LocationService locations = locations();
        locations.update("alice", current -> List.of(contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR),
                device("alice", "urn:uuid:a1", 1, "sip:alice@192.0.2.2", IN_AN_HOUR)));
        Binding bobs = contact("bob", "sip:bob@192.0.2.3", IN_AN_HOUR);
        locations.update("bob", current -> List.of(bobs));

        locations.removeAll("alice");

        assertEquals(List.of(), locations.lookup("alice"));
        assertEquals(Optional.empty(), locations.findByContact("sip:alice@192.0.2.1"));
        assertEquals(List.of(bobs), locations.lookup("bob"));
    }

    @Test
    default void findByInstanceFindsTheBindingOfThatDevice() {
        LocationService locations = locations();
        Binding phone = device("alice", "urn:uuid:phone", 1, "sip:alice@192.0.2.1", IN_AN_HOUR);
        Binding laptop = device("alice", "urn:uuid:laptop", 1, "sip:alice@192.0.2.2", IN_AN_HOUR);
        locations.update("alice", current -> List.of(phone, laptop));

        assertEquals(Optional.of(laptop), locations.findByInstance("alice", "urn:uuid:laptop"));
        assertEquals(Optional.empty(), locations.findByInstance("bob", "urn:uuid:laptop"));
        assertEquals(Optional.empty(), locations.findByInstance("alice", "urn:uuid:tablet"));
    }

    @Test
    default void findByContactIgnoresUriParametersAndTheCaseOfTheHost() {
        LocationService locations = locations();
        Binding binding = contact("alice", "sip:alice@Host.Example.org:5072;transport=udp", IN_AN_HOUR);
        locations.update("alice", current -> List.of(binding));

        assertEquals(Optional.of(binding), locations.findByContact("sip:alice@host.example.ORG:5072;ob"));
        assertEquals(Optional.of(binding), locations.findByContact("<sip:alice@host.example.org:5072>"));
        assertEquals(Optional.empty(), locations.findByContact("sip:alice@host.example.org:5073"));
    }

    @Test
    default void findOthersByContactFindsAnotherUsersBindingAtTheContactWhateverTheOrderOfTheirNames() {
        LocationService locations = locations();
        String shared = "sip:desk@192.0.2.7:5060";
        Binding alices = contact("alice", shared, IN_AN_HOUR);
        Binding zoes = contact("zoe", shared, IN_AN_HOUR);
        locations.update("alice", current -> List.of(alices));
        assertEquals(Optional.empty(), locations.findOthersByContact(shared, "alice"), "her own only");

        locations.update("zoe", current -> List.of(zoes));
        assertEquals(Optional.of(zoes), locations.findOthersByContact(shared, "alice"));
        assertEquals(Optional.of(alices), locations.findOthersByContact(shared, "zoe"));
        assertEquals(Optional.empty(), locations.findOthersByContact("sip:desk@192.0.2.8", "alice"));
    }

    @Test
    default void aClaimOfAContactAnotherUserHoldsIsRefusedAndWritesNothing() {
        LocationService locations = locations();
        Binding zoes = contact("zoe", "sip:desk@192.0.2.7:5060", IN_AN_HOUR);
        locations.update("zoe", current -> List.of(zoes));

        LocationService.Claim claim = locations.updateClaiming("alice", List.of("sip:desk@192.0.2.7;transport=udp"),
                binding -> true, current -> List.of(contact("alice", "sip:desk@192.0.2.7", IN_AN_HOUR)));

        assertEquals(Optional.of(zoes), claim.takenBy());
        assertEquals(List.of(), locations.lookup("alice"));
        assertEquals(Optional.of(zoes), locations.findByContact("sip:desk@192.0.2.7"), "zoe keeps her device");
        assertEquals(1, locations.count());
    }

    @Test
    default void aClaimStandsWhenTheOtherUsersBindingIsNotTakenOrHasExpired() {
        MutableClock clock = new MutableClock(START);
        LocationService locations = emptyLocationService(clock);
        String desk = "sip:desk@192.0.2.7";
        locations.update("zoe", current -> List.of(contact("zoe", desk, START.plusSeconds(60))));
        Binding alices = contact("alice", desk, IN_AN_HOUR);

        LocationService.Claim harmless = locations.updateClaiming("alice", List.of(desk),
                binding -> !binding.aor().equals("zoe"), current -> List.of(alices));
        assertEquals(new LocationService.Claim(List.of(alices), Optional.empty()), harmless, "e.g. the same flow");

        clock.advance(Duration.ofSeconds(60));
        Binding bobs = contact("bob", desk, IN_AN_HOUR);
        LocationService.Claim afterZoe = locations.updateClaiming("bob", List.of(desk),
                binding -> !binding.aor().equals("alice"), current -> List.of(bobs));
        assertEquals(new LocationService.Claim(List.of(bobs), Optional.empty()), afterZoe, "zoe's binding expired");
    }

    @Test
    default void aClaimOfOnesOwnContactIsNoConflictEvenWhenNothingChanges() {
        LocationService locations = locations();
        Binding alices = contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR);
        locations.update("alice", current -> List.of(alices));

        assertEquals(new LocationService.Claim(List.of(alices), Optional.empty()),
                locations.updateClaiming("alice", List.of("sip:alice@192.0.2.1"), binding -> true, current -> current));
        assertEquals(new LocationService.Claim(List.of(alices), Optional.empty()), locations.updateClaiming("alice",
                List.of("sip:alice@192.0.2.1"), binding -> true, current -> List.of(alices)));
    }

    @Test
    default void aClaimThatChangesNothingIsStillRefusedOnAnotherUsersContact() {
        LocationService locations = locations();
        Binding zoes = contact("zoe", "sip:desk@192.0.2.7", IN_AN_HOUR);
        locations.update("zoe", current -> List.of(zoes));

        assertEquals(Optional.of(zoes), locations.updateClaiming("alice", List.of("sip:desk@192.0.2.7"),
                binding -> true, current -> current).takenBy());
    }

    @Test
    default void findByContactTreatsAMissingPortAs5060() {
        LocationService locations = locations();
        Binding binding = contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR);
        locations.update("alice", current -> List.of(binding));

        assertEquals(Optional.of(binding), locations.findByContact("sip:alice@192.0.2.1:5060;transport=udp"));
    }

    @Test
    default void findByContactTellsUsersApart() {
        LocationService locations = locations();
        Binding alices = contact("alice", "sip:alice@192.0.2.1:5060", IN_AN_HOUR);
        Binding bobs = contact("bob", "sip:bob@192.0.2.1:5060", IN_AN_HOUR);
        locations.update("alice", current -> List.of(alices));
        locations.update("bob", current -> List.of(bobs));

        assertEquals(Optional.of(bobs), locations.findByContact("sip:bob@192.0.2.1"));
        assertEquals(Optional.empty(), locations.findByContact("sip:carol@192.0.2.1"));
        assertEquals(Optional.empty(), locations.findByContact("tel:+15551234567"));
    }

    @Test
    default void findByContactFollowsADeviceThatMoved() {
        LocationService locations = locations();
        locations.update("alice", current -> List.of(device("alice", "urn:uuid:a1", 1, "sip:alice@192.0.2.1", IN_AN_HOUR)));
        Binding moved = device("alice", "urn:uuid:a1", 1, "sip:alice@192.0.2.99", IN_AN_HOUR);

        locations.update("alice", current -> List.of(moved));

        assertEquals(Optional.empty(), locations.findByContact("sip:alice@192.0.2.1"));
        assertEquals(Optional.of(moved), locations.findByContact("sip:alice@192.0.2.99"));
    }

    @Test
    default void purgeExpiredDropsAndCountsTheExpiredBindings() {
        MutableClock clock = new MutableClock(START);
        LocationService locations = emptyLocationService(clock);
        Binding longLived = contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR);
        locations.update("alice", current -> List.of(longLived,
                contact("alice", "sip:alice@192.0.2.2", START.plusSeconds(60))));
        locations.update("bob", current -> List.of(contact("bob", "sip:bob@192.0.2.3", START.plusSeconds(60))));
        clock.advance(Duration.ofMinutes(2));

        assertEquals(2, locations.purgeExpired());

        assertEquals(0, locations.purgeExpired());
        assertEquals(List.of(longLived), locations.lookup("alice"));
        assertEquals(1, locations.count());
    }

    @Test
    default void countCountsTheLiveBindingsOfEveryAddressOfRecord() {
        LocationService locations = locations();
        locations.update("alice", current -> List.of(contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR),
                contact("alice", "sip:alice@192.0.2.2", IN_AN_HOUR)));
        locations.update("bob", current -> List.of(contact("bob", "sip:bob@192.0.2.3", IN_AN_HOUR)));

        assertEquals(3, locations.count());
    }

    @Test
    default void concurrentUpdatesOfTheSameAndOfDifferentAddressesOfRecordLoseNothing() throws Exception {
        LocationService locations = locations();
        int threads = 8;
        int updatesPerThread = 40;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String own = "user" + t;
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < updatesPerThread; i++) {
                        String host = "192.0.2." + thread + ":" + (10000 + i);
                        locations.update("shared", current -> append(current, contact("shared", "sip:shared@" + host, IN_AN_HOUR)));
                        locations.update(own, current -> append(current, contact(own, "sip:" + own + "@" + host, IN_AN_HOUR)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(threads * updatesPerThread, locations.lookup("shared").size());
        for (int t = 0; t < threads; t++) {
            assertEquals(updatesPerThread, locations.lookup("user" + t).size());
        }
        assertEquals(2 * threads * updatesPerThread, locations.count());
    }

    @Test
    default void theStoredListCannotBeChangedByTheCaller() {
        LocationService locations = locations();
        List<Binding> mine = new ArrayList<>(List.of(contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR)));
        locations.update("alice", current -> mine);

        mine.clear();

        assertEquals(1, locations.lookup("alice").size());
        assertThrows(UnsupportedOperationException.class, () -> locations.lookup("alice").clear());
    }

    private static List<Binding> append(List<Binding> current, Binding binding) {
        List<Binding> result = new ArrayList<>(current);
        result.add(binding);
        return result;
    }
}
