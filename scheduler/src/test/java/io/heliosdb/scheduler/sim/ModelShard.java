package io.heliosdb.scheduler.sim;

import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardSlot;
import java.util.TreeMap;

/**
 * A shard's data in the model: a sorted map of strings, every change told to the store that owns
 * the key (with two stores, as RESP's and SQL's storage would be, by the key's hash).
 */
final class ModelShard {
    static final ShardSlot<ModelShard> SLOT = ShardSlot.named("model");
    final Shard shard;
    final TreeMap<String, String> data = new TreeMap<>();
    final ModelStore[] stores;

    ModelShard(Shard shard, int participants, boolean holdParts) {
        this.shard = shard;
        this.stores = new ModelStore[participants];
        for (int i = 0; i < participants; i++) {
            stores[i] = new ModelStore(shard, i, holdParts);
            shard.addGate(stores[i]);
            shard.addParticipant(stores[i]);
        }
    }

    /** Which store logs {@code key}. */
    int storeOf(String key) {
        return Math.floorMod(key.hashCode(), stores.length);
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
        stores[storeOf(key)].changed(key, value);
    }
}
