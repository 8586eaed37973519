package io.heliosdb.resp.acl;

import io.heliosdb.memory.GlobMatcher;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.pubsub.PubSub;
import io.heliosdb.resp.pubsub.Subscriber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * After ACL SETUSER changed a user's channels: the user's subscribed connections that the new rules
 * no longer allow are closed, as Redis 7.0's ACLKillPubsubClientsIfNeeded decides it (subscribers
 * under RESP2 and RESP3 alike), and only when the new channel patterns do not include all the old
 * ones; then a pattern subscription must be one of the new patterns exactly, a channel must match one.
 */
final class RevokedSubscribers {
    private RevokedSubscribers() {}

    static void close(ServerContext server, AclUser before, AclUser after) {
        List<AclSelector> now = selectors(after);
        if (now.stream().anyMatch(s -> s.allChannels)) {
            return;
        }
        List<String> upcoming = new ArrayList<>();
        now.forEach(s -> upcoming.addAll(s.channelPatterns));
        if (selectors(before).stream().allMatch(s -> !s.allChannels && upcoming.containsAll(s.channelPatterns))) {
            return; // the new patterns include every old one
        }
        for (ClientSession s : server.clients().all()) {
            Subscriber sub = s.get(Subscriber.FEATURE);
            if (sub != null && before.name.equals(s.user)
                    && PubSub.of(server).anyRefused(sub, c -> matchesAny(upcoming, c), p -> upcoming.contains(text(p)))) {
                s.killed = true; // before ACL SETUSER's reply: a command the subscriber sends after it is not run
                s.channel.close();
            }
        }
    }

    private static List<AclSelector> selectors(AclUser u) {
        List<AclSelector> all = new ArrayList<>(u.selectors);
        all.add(0, u.root);
        return all;
    }

    private static boolean matchesAny(List<String> patterns, byte[] channel) {
        String c = text(channel);
        return patterns.stream().anyMatch(p -> GlobMatcher.matches(p, c, false));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1); // patterns are held one char per byte
    }
}
