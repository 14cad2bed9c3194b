package dev.vyre.automata.scan;

import dev.vyre.protocol.Task;
import java.util.AbstractQueue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/** A worklist that hands out a random queued task on each poll, and remembers every task offered. */
final class RandomQueue extends AbstractQueue<Task> {
    private final List<Task> items = new ArrayList<>();
    private final List<Task> offered;
    private final SplittableRandom rnd;

    RandomQueue(SplittableRandom rnd, List<Task> offered) {
        this.rnd = rnd;
        this.offered = offered;
    }

    @Override
    public boolean offer(Task t) {
        offered.add(t);
        return items.add(t);
    }

    @Override
    public Task poll() {
        if (items.isEmpty()) {
            return null;
        }
        int i = rnd.nextInt(items.size());
        Task t = items.get(i);
        items.set(i, items.getLast());
        items.removeLast();
        return t;
    }

    @Override
    public Task peek() {
        return items.isEmpty() ? null : items.getFirst();
    }

    @Override
    public Iterator<Task> iterator() {
        return items.iterator();
    }

    @Override
    public int size() {
        return items.size();
    }
}
