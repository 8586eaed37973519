package io.heliosdb.resp.scripting;
import io.heliosdb.keyspace.rdb.RdbValues;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.ServerContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The server's function libraries (FUNCTION LOAD): each library's code and the functions it
 * registered, shared by every shard. Each shard's {@link LuaVm} compiles a library when one of its
 * functions is first called there, and again after the library's version changes. The libraries are
 * kept in {@code functions.dump} in the data directory (FUNCTION DUMP's format), rewritten atomically
 * on every change, so they survive restarts as Redis keeps them in its RDB/AOF.
 */
public final class FunctionRegistry {
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_]+");

    /** A registered function. */
    public record Function(String name, String library, String description, List<String> flags) {
        boolean readOnly() {
            return flags.contains("no-writes");
        }
    }

    /** A loaded library: its code, its functions, and a version that changes when it is replaced. */
    public record Library(String name, String code, long version, Map<String, Function> functions) {}

    private final Map<String, Library> libraries = new LinkedHashMap<>();
    private final Map<String, Function> functions = new LinkedHashMap<>();
    private long nextVersion = 1;
    private final Path file;

    /** The server's libraries, kept in functions.dump in the data directory; made at start (loadSaved). */
    private static final Feature<FunctionRegistry> FEATURE = Feature.named("function registry");

    public static FunctionRegistry of(ServerContext server) {
        return server.featureState(FEATURE, () -> {
            String dir = server.config().get("dir");
            return new FunctionRegistry(dir == null || dir.isEmpty() ? null : Path.of(dir, "functions.dump"));
        });
    }

    public FunctionRegistry(Path file) {
        this.file = file;
    }

    public synchronized Library library(String name) {
        return libraries.get(name);
    }

    public synchronized Function function(String name) {
        return functions.get(name);
    }

    public synchronized List<Library> libraries() {
        return new ArrayList<>(libraries.values());
    }

    public synchronized int functionCount() {
        return functions.size();
    }

    /** Adds (or, with {@code replace}, replaces) a library; returns an error text or null. */
    public synchronized String add(String name, String code, List<Function> fns, boolean replace) {
        Library old = libraries.get(name);
        if (old != null && !replace) {
            return "ERR Library '" + name + "' already exists";
        }
        for (Function f : fns) {
            Function clash = functions.get(f.name());
            if (clash != null && !clash.library().equals(name)) {
                return "ERR Function " + f.name() + " already exists";
            }
        }
        if (old != null) {
            old.functions().keySet().forEach(functions::remove);
        }
        Map<String, Function> byName = new LinkedHashMap<>();
        for (Function f : fns) {
            byName.put(f.name(), f);
            functions.put(f.name(), f);
        }
        libraries.put(name, new Library(name, code, nextVersion++, byName));
        return null;
    }

    public synchronized boolean delete(String name) {
        Library l = libraries.remove(name);
        if (l == null) {
            return false;
        }
        l.functions().keySet().forEach(functions::remove);
        return true;
    }

    public synchronized void flush() {
        libraries.clear();
        functions.clear();
    }

    /** Every library's code, for FUNCTION DUMP and the file. */
    public synchronized List<String> codes() {
        List<String> l = new ArrayList<>();
        for (Library lib : libraries.values()) {
            l.add(lib.code());
        }
        return l;
    }

    /** Writes {@code functions.dump} (temporary file, fsync, rename); no file when nothing is loaded. */
    public synchronized void save() throws IOException {
        if (file == null) {
            return;
        }
        if (libraries.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        List<byte[]> codes = new ArrayList<>();
        for (String c : codes()) {
            codes.add(c.getBytes(StandardCharsets.UTF_8));
        }
        byte[] payload = RdbValues.functionsPayload(codes);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(payload));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The saved libraries' code, or none. */
    public List<byte[]> saved() throws IOException {
        if (file == null || !Files.exists(file)) {
            return List.of();
        }
        List<byte[]> codes = RdbValues.functionCodes(Files.readAllBytes(file));
        if (codes == null) {
            throw new IOException(file + " is damaged (checksum)");
        }
        return codes;
    }
}
