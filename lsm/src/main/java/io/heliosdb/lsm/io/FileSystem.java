package io.heliosdb.lsm.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The storage engine's only door to the disk, small on purpose so that tests can put a
 * fault-injecting file system ({@link FaultyFileSystem}) in its place: short writes, ENOSPC, torn
 * tails, bit flips, crashes that drop unsynced data.
 */
public interface FileSystem {
    /** Opens (creating if needed) a file for appending and reading. */
    StorageFile open(Path path) throws IOException;

    boolean exists(Path path);

    void delete(Path path) throws IOException;

    List<Path> list(Path dir) throws IOException;

    void createDirectories(Path dir) throws IOException;

    /** Makes the directory's entries (new and deleted files) durable (fsync of the directory). */
    void syncDirectory(Path dir) throws IOException;

    FileSystem REAL = new RealFileSystem();
}
