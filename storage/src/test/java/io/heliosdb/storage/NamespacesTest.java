package io.heliosdb.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamespacesTest {
    private static final byte[] K = {1};
    private static final byte[] V = {2};
    private static final Namespaces.EntryFilter KEEP = (k, v, now) -> false;

    @Test
    void aDroppedNamespaceIsGarbageOnlyOnceTheNewMapIsPublished() {
        Namespaces ns = new Namespaces(3, KEEP);
        ns.publish();
        int old = ns.id(1);
        ns.drop(1);
        int fresh = ns.id(1);
        assertNotEquals(old, fresh);
        // not logged yet: a crash would bring the old map back, so compaction must keep its entries
        assertFalse(ns.isDead(old, K, V, 0));
        assertTrue(ns.isDead(fresh, K, V, 0), "unpublished namespaces hold nothing compaction may keep");
        ns.publish();
        assertTrue(ns.isDead(old, K, V, 0));
        assertFalse(ns.isDead(fresh, K, V, 0));
        assertFalse(ns.isDead(ns.id(0), K, V, 0));
        assertFalse(ns.isDead(ns.id(2), K, V, 0));
    }

    @Test
    void eachOwnerHasItsOwnFilter() {
        Namespaces ns = new Namespaces(1, KEEP);
        int table = ns.register((k, v, now) -> v[0] == 9); // e.g. an SQL table's dead tuple versions
        ns.publish();
        assertFalse(ns.isDead(ns.id(0), K, new byte[] {9}, 0));
        assertTrue(ns.isDead(ns.id(table), K, new byte[] {9}, 0));
        assertFalse(ns.isDead(ns.id(table), K, V, 0));
    }

    @Test
    void theMapSurvivesEncodeAndDecodeAndIdsAreNeverReused() {
        Namespaces ns = new Namespaces(4, KEEP);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            seen.add(ns.id(i));
        }
        for (int round = 0; round < 50; round++) {
            ns.drop(round % 4);
            assertTrue(seen.add(ns.id(round % 4)), "an id came back: " + ns.id(round % 4));
        }
        byte[] rec = ns.encode(pos -> pos);
        Namespaces back = new Namespaces(4, KEEP);
        back.decode(rec);
        for (int i = 0; i < 4; i++) {
            assertEquals(ns.id(i), back.id(i));
        }
        back.drop(2);
        assertTrue(seen.add(back.id(2)), "a reloaded map reused an id");
    }

    @Test
    void theMapFollowsThePositionsAfterASwap() {
        Namespaces ns = new Namespaces(2, KEEP);
        ns.drop(0);
        int a = ns.id(0);
        int b = ns.id(1);
        // position 0 is served by owner 1 and vice versa (SWAPDB 0 1)
        Namespaces back = new Namespaces(2, KEEP);
        back.decode(ns.encode(pos -> 1 - pos));
        assertEquals(b, back.id(0));
        assertEquals(a, back.id(1));
    }

    @Test
    void anOwnerTheRecordDoesNotKnowStartsFresh() {
        Namespaces ns = new Namespaces(2, KEEP);
        ns.drop(1);
        ns.drop(1);
        byte[] rec = ns.encode(pos -> pos);
        Namespaces back = new Namespaces(2, KEEP);
        int extra = back.register(KEEP);
        back.decode(rec);
        assertNotEquals(back.id(0), back.id(extra));
        assertNotEquals(back.id(1), back.id(extra));
        assertTrue(back.id(extra) >= 4, "fresh ids continue after the stored next id: " + back.id(extra));
    }
}
