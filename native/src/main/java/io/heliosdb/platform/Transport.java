package io.heliosdb.platform;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.Locale;

/** The network transports HeliosDB can run on, best first. */
public enum Transport {
    IO_URING("io_uring"),
    EPOLL("epoll"),
    NIO("nio");

    private final String configName;

    Transport(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public boolean isAvailable() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /** Why this transport cannot be used here, or null when it can. */
    public Throwable unavailabilityCause() {
        return switch (this) {
            case IO_URING -> IoUring.unavailabilityCause();
            case EPOLL -> Epoll.unavailabilityCause();
            case NIO -> null;
        };
    }

    public IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    public Class<? extends ServerChannel> serverChannelClass() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /**
     * Picks the transport: {@code auto} takes the best available; a named one is used if available
     * and otherwise refused with the reason, so that a forced choice never silently degrades.
     */
    public static Transport choose(String setting) {
        String s = setting == null ? "auto" : setting.toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            for (Transport t : values()) {
                if (t.isAvailable()) {
                    return t;
                }
            }
            return NIO;
        }
        for (Transport t : values()) {
            if (t.configName.equals(s)) {
                if (!t.isAvailable()) {
                    throw new IllegalStateException("transport " + s + " is not available here: " + t.unavailabilityCause());
                }
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + setting + "' (use auto, io_uring, epoll or nio)");
    }
}
