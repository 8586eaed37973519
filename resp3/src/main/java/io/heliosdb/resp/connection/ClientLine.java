package io.heliosdb.resp.connection;

import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.pubsub.Subscriber;
import io.heliosdb.resp.tracking.TrackingState;
import io.heliosdb.resp.transactions.QueuedCommand;
import java.util.List;

/** A client's line of CLIENT LIST / CLIENT INFO (and ACL LOG's client-info), with Redis 7's fields. */
public final class ClientLine {
    private ClientLine() {}

    public static String of(ClientSession s, long now) {
        List<QueuedCommand> queued = s.get(QueuedCommand.QUEUE);
        TrackingState tracking = s.get(TrackingState.FEATURE);
        boolean subscribed = Subscriber.subscribed(s);
        String flags = (subscribed ? "P" : "") + (tracking != null ? "t" : "") + (queued != null ? "x" : "")
                + (s.noEvict ? "e" : "") + (s.noTouch ? "T" : "") + (s.monitor ? "O" : "");
        return "id=" + s.id + " addr=" + s.addr + " laddr=" + s.laddr + " fd=-1 name=" + s.name
                + " age=" + (now - s.createdMillis) / 1000 + " idle=" + (now - s.lastInteractionMillis) / 1000
                + " flags=" + (flags.isEmpty() ? "N" : flags) + " db=" + s.db + " sub=0 psub=0 ssub=0 multi=-1"
                + " qbuf=" + s.queryBufferBytes + " qbuf-free=" + Math.max(0, s.queryBufferCapacity - s.queryBufferBytes)
                + " argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0"
                + " tot-mem=0 events=r cmd=" + s.lastCommand + " user=" + s.user
                + " redir=" + (tracking == null ? -1 : tracking.redirect) + " resp=" + s.protocol
                + " lib-name=" + s.libName + " lib-ver=" + s.libVersion;
    }
}
