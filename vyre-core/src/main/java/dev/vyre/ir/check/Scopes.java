package dev.vyre.ir.check;

import dev.vyre.ir.ScalarType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables visible at a point of the program. Shadowing is forbidden, so one flat map holds every visible
 * name; each open scope remembers the names it declared and drops them when it closes.
 */
final class Scopes {
    /**
     * A visible variable.
     *
     * @param type         its type, or null when its initializer was ill-typed
     * @param loopVariable true for the variable of a For, which cannot be assigned
     * @param declaredAt   where it was declared
     * @param depth        the scope depth that declared it
     */
    record Variable(String name, ScalarType type, boolean loopVariable, Path declaredAt, int depth) {
    }

    private final Map<String, Variable> visible = new HashMap<>();
    private final ArrayDeque<List<String>> frames = new ArrayDeque<>();

    Scopes() {
        frames.push(new ArrayList<>());
    }

    void open() {
        frames.push(new ArrayList<>());
    }

    void close() {
        for (String name : frames.pop()) {
            visible.remove(name);
        }
    }

    /** The current scope depth (1 for the program body). */
    int depth() {
        return frames.size();
    }

    Variable lookup(String name) {
        return visible.get(name);
    }

    /** Declares {@code name} in the current scope; the caller has checked that it is not visible. */
    void declare(String name, ScalarType type, boolean loopVariable, Path at) {
        visible.put(name, new Variable(name, type, loopVariable, at, depth()));
        frames.peek().add(name);
    }
}
