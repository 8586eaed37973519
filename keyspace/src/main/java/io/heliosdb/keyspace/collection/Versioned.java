package io.heliosdb.keyspace.collection;

/** The persistence state every collection carries: its element version and change journal. */
abstract class Versioned implements CollectionValue {
    private long version;
    private Journal journal;

    @Override
    public long version() {
        return version;
    }

    @Override
    public void version(long v) {
        version = v;
        if (v == 0) {
            journal = null; // stored whole again (a failed write of its first version)
            return;
        }
        if (journal == null) {
            journal = new Journal();
        }
        journal.clear();
    }

    @Override
    public Journal journal() {
        return journal;
    }

    /** Notes a changed element (value null: removed) when persisted element by element. */
    final void journal(byte[] member, byte[] value) {
        if (journal != null) {
            journal.put(member, value, size());
        }
    }

    final void journalOverflow() {
        if (journal != null) {
            journal.overflow();
        }
    }
}
