package io.heliosdb.resp.scripting;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** FUNCTION LOAD's work: the "#!lua name=..." header, then running the code to collect its functions. */
public final class FunctionLoader {
    private FunctionLoader() {}

    /** A parse or load failure, with Redis' error text. */
    public static final class Failure extends Exception {
        public Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** The library's name from its header; throws with Redis' error for a bad header. */
    public static String libraryName(String code) throws Failure {
        if (!code.startsWith("#!")) {
            throw new Failure("ERR Missing library metadata");
        }
        int nl = code.indexOf('\n');
        String header = (nl < 0 ? code : code.substring(0, nl)).substring(2).trim();
        String[] parts = header.split("\\s+");
        if (!parts[0].equalsIgnoreCase("lua")) {
            throw new Failure("ERR Engine '" + parts[0] + "' not found");
        }
        String name = null;
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].toLowerCase(Locale.ROOT).startsWith("name=")) {
                name = parts[i].substring(5);
            } else {
                throw new Failure("ERR Invalid metadata value given: " + parts[i]);
            }
        }
        if (name == null) {
            throw new Failure("ERR Library name was not given");
        }
        if (!FunctionRegistry.NAME.matcher(name).matches()) {
            throw new Failure("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
        }
        return name;
    }

    /** FUNCTION LOAD's bound on the library's top-level code (Redis' LOAD_TIMEOUT_MS). */
    public static final long LOAD_TIMEOUT_MS = 500;

    /**
     * Runs the library in {@code vm}; returns its functions' metadata (the VM keeps their code).
     * {@code timeoutMs} bounds the top-level code (0: no bound, for libraries that loaded before).
     */
    public static List<FunctionRegistry.Function> load(LuaVm vm, String name, String code, long timeoutMs) throws Failure {
        List<LuaVm.Registered> regs = vm.runLibrary(name, code, -1, timeoutMs);
        if (regs.isEmpty()) {
            throw new Failure("ERR No functions registered");
        }
        List<FunctionRegistry.Function> fns = new ArrayList<>();
        for (LuaVm.Registered r : regs) {
            fns.add(new FunctionRegistry.Function(r.name(), name, r.description(), r.flags()));
        }
        return fns;
    }
}
