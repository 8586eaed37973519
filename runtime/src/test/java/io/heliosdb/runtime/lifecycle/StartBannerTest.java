package io.heliosdb.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StartBannerTest {
    @Test
    void theLineNamesTheServerThenItsFactsInOrderThenThePid() {
        String line = new StartBanner("Demo 1.0 (X protocol)").fact("shards", 2).fact("resp", "/127.0.0.1:7000").line();
        assertEquals("Demo 1.0 (X protocol) ready: shards=2 resp=/127.0.0.1:7000 pid=" + ProcessHandle.current().pid(), line);
    }
}
