package org.liaison.sip.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The subscriptions held on this node: by dialog, by the users they watch, counted per subscriber. */
final class Subscriptions {
    private final Map<Subscription.DialogId, Subscription> byDialog = new HashMap<>();
    private final Map<String, Set<Subscription>> byWatched = new HashMap<>();
    private final Map<String, Integer> perSubscriber = new HashMap<>();

    /** Adds {@code s} unless its subscriber already holds {@code max}; whether it was added. */
    synchronized boolean add(Subscription s, int max) {
        int held = perSubscriber.getOrDefault(s.subscriber, 0);
        if (held >= max) {
            return false;
        }
        perSubscriber.put(s.subscriber, held + 1);
        byDialog.put(s.id, s);
        index(s, s.watched);
        return true;
    }

    synchronized Optional<Subscription> find(Subscription.DialogId id) {
        return Optional.ofNullable(byDialog.get(id));
    }

    /** Removes {@code s}; whether it was still held. */
    synchronized boolean remove(Subscription s) {
        if (byDialog.remove(s.id) == null) {
            return false;
        }
        perSubscriber.computeIfPresent(s.subscriber, (user, held) -> held == 1 ? null : held - 1);
        unindex(s, s.watched);
        return true;
    }

    synchronized List<Subscription> watching(String user) {
        return new ArrayList<>(byWatched.getOrDefault(user, Set.of()));
    }

    synchronized Set<String> watchedUsers() {
        return new HashSet<>(byWatched.keySet());
    }

    synchronized List<Subscription> all() {
        return new ArrayList<>(byDialog.values());
    }

    synchronized int count() {
        return byDialog.size();
    }

    private void index(Subscription s, List<String> users) {
        users.forEach(u -> byWatched.computeIfAbsent(u, k -> new HashSet<>()).add(s));
    }

    private void unindex(Subscription s, List<String> users) {
        for (String u : users) {
            Set<Subscription> watchers = byWatched.get(u);
            if (watchers != null && watchers.remove(s) && watchers.isEmpty()) {
                byWatched.remove(u);
            }
        }
    }
}
