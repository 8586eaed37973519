package io.heliosdb.scheduler.sim;

import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardSlot;
import java.util.TreeMap;

/** A shard's data in the model: a sorted map of strings, every change told to its store. */
final class ModelShard {
    static final ShardSlot<ModelShard> SLOT = ShardSlot.named("model");
    final Shard shard;
    final TreeMap<String, String> data = new TreeMap<>();
    final ModelStore store;

    ModelShard(Shard shard, boolean holdParts) {
        this.shard = shard;
        this.store = new ModelStore(shard, holdParts);
        shard.gate(store);
        shard.participant(store);
    }

    String get(String key) {
        assert shard.inShardThread();
        return data.get(key);
    }

    void put(String key, String value) {
        assert shard.inShardThread();
        if (value == null) {
            data.remove(key);
        } else {
            data.put(key, value);
        }
        store.changed(key, value);
    }
}
