package io.heliosdb.lsm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** The operating system's file system through FileChannel. */
final class RealFileSystem implements FileSystem {
    @Override
    public StorageFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new StorageFile() {
            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                long pos = position;
                while (src.hasRemaining()) {
                    pos += ch.write(src, pos);
                }
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return ch.read(dst, position);
            }

            @Override
            public long size() throws IOException {
                return ch.size();
            }

            @Override
            public void truncate(long size) throws IOException {
                ch.truncate(size);
            }

            @Override
            public void sync() throws IOException {
                ch.force(false);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public void delete(Path path) throws IOException {
        Files.deleteIfExists(path);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }
}
