package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.automata.DfaStepAbi;
import dev.vyre.runtime.automata.DfaStepUnit;
import dev.vyre.runtime.automata.MatchBuffer;
import dev.vyre.runtime.automata.MatchBufferLayout;
import dev.vyre.runtime.automata.RingScanner;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Random DFA_STEP work run identically on two megakernels (the CPU backend and a CUDA kernel, simulated or real):
 * random pattern sets, inputs at random alignments, chains of spans over the whole input in blocking (BUDGET 0)
 * or non-blocking (budgeted continuations, requeued until PC = LENGTH) steps, QUIET warm-ups, END, small match
 * buffers that overflow, and slots with one corrupted argument. Sequential runs must give identical outcomes and
 * identical match-buffer contents, record order included (both executors append a slot's records in report
 * order); the sets of matches of clean chains must equal a one-shot {@link Scanner} scan.
 */
final class DfaStepHarness {
    private static final String[] PIECES = {"a", "b+", "[ab]", "x[^x]*y", "[0-9]{2,3}", "c?a", "(a|bc)", "\\n",
        "[^\\n]b", "y{2}", ".c", "(?:ab)+"};
    private static final String ALPHABET = "abcxy0129\n";
    private static final int INPUT = 3;
    private static final int OUT = 9;
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** What a case did, for the caller's totals. */
    record Totals(long slots, long records, long faults, long dropped) {
    }

    private DfaStepHarness() {
    }

    /** A random pattern set whose every pattern fits one DFA (prefilter off, as the ring scanner compiles). */
    /**
     * Scans {@code inputs} through a {@link RingScanner} on {@code kernel} with {@code options}, chunked through a
     * pool of {@code buffers} shared buffers of {@code bufferBytes}; returns each file's matches by file id.
     */
    static java.util.Map<Integer, List<dev.vyre.automata.Match>> ringScan(Megakernel kernel,
            CompiledAutomaton automaton, dev.vyre.runtime.automata.RingScanOptions options, List<byte[]> inputs,
            int buffers, int bufferBytes) {
        java.util.Map<Integer, List<dev.vyre.automata.Match>> got = new java.util.HashMap<>();
        try (dev.vyre.runtime.automata.RingScanner scanner = dev.vyre.runtime.automata.RingScanner.open(kernel,
                automaton, options);
             dev.vyre.uring.BufferPool pool = dev.vyre.uring.BufferPool.create(
                     new dev.vyre.runtime.automata.SharedBufferAllocator(kernel), buffers, bufferBytes)) {
            scanner.scan(inputs.size(), dev.vyre.runtime.automata.ByteChunks.of(inputs, pool),
                    new dev.vyre.runtime.automata.ScanListener() {
                        @Override
                        public void onFile(dev.vyre.uring.IngestFile file, List<dev.vyre.automata.Match> m) {
                            got.put(file.id(), m);
                        }

                        @Override
                        public void onFailure(dev.vyre.uring.IngestFile file, dev.vyre.uring.IngestFileException e) {
                            throw new AssertionError(e);
                        }
                    });
        }
        return got;
    }

    static CompiledAutomaton randomAutomaton(SplittableRandom rnd) {
        List<PatternSpec> specs = new ArrayList<>();
        for (int p = 0, n = 1 + rnd.nextInt(4); p < n; p++) {
            StringBuilder b = new StringBuilder();
            if (rnd.nextInt(6) == 0) {
                b.append('^');
            }
            for (int k = 0, m = 1 + rnd.nextInt(3); k < m; k++) {
                b.append(PIECES[rnd.nextInt(PIECES.length)]);
            }
            if (rnd.nextInt(6) == 0) {
                b.append('$');
            }
            String flags = rnd.nextInt(4) == 0 ? "m" : "";
            specs.add(PatternSpec.of(rnd.nextInt(4), b.toString(), flags));
        }
        return RegexCompiler.compile(specs, CompileOptions.defaults().withPrefilter(false));
    }

    static byte[] randomInput(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = rnd.nextInt(40) == 0 ? (byte) rnd.nextInt(256) : (byte) ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
        }
        return b;
    }

    /** A kernel on {@code backend} with {@code automaton}'s ring DFAs. */
    static Megakernel kernel(Backend backend, CompiledAutomaton automaton, int workers) {
        return Megakernel.bootstrap(backend, MegakernelConfig.defaults().withSlots(64).withWorkers(workers)
                .withObservables(16).withDebugRecords(16).withAutomata(RingScanner.ringAutomata(automaton)));
    }

    /** One kernel's view of a case: its input copy and match buffer. */
    private record Side(Megakernel kernel, MemorySegment input, MatchBuffer buffer) {
        static Side of(Megakernel kernel, byte[] bytes, int pad, int capacity) {
            MemorySegment whole = kernel.allocateShared(bytes.length + pad + 1, 16);
            MemorySegment input = whole.asSlice(pad, bytes.length);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, input, 0, bytes.length);
            MatchBuffer buffer = MatchBuffer.format(kernel.allocateShared(MatchBufferLayout.bytes(capacity), 64),
                    capacity);
            DfaStepUnit unit = kernel.dfaStep();
            unit.registerInput(INPUT, input);
            unit.registerMatchBuffer(OUT, buffer);
            return new Side(kernel, input, buffer);
        }

        SlotOutcome call(int[] args) {
            return kernel.publish(Opcodes.DFA_STEP, 0, Priority.NORMAL, args).await(WAIT);
        }
    }

    /**
     * One random case on fresh kernels from {@code left} and {@code right} (workers each): every slot's outcome
     * and both match buffers must be identical.
     */
    static Totals sequentialCase(SplittableRandom rnd, Supplier<Backend> left, Supplier<Backend> right,
            int workers) {
        CompiledAutomaton automaton = randomAutomaton(rnd);
        List<Dfa> dfas = RingScanner.ringAutomata(automaton);
        byte[] bytes = randomInput(rnd, rnd.nextInt(8) == 0 ? rnd.nextInt(8) : rnd.nextInt(2500));
        int pad = rnd.nextInt(48);
        boolean overflow = rnd.nextInt(4) == 0;
        int capacity = overflow ? rnd.nextInt(6) : 1 << 16;
        boolean quiet = false;
        long slots = 0;
        long faults = 0;
        try (Megakernel a = kernel(left.get(), automaton, workers);
             Megakernel b = kernel(right.get(), automaton, workers)) {
            Side x = Side.of(a, bytes, pad, capacity);
            Side y = Side.of(b, bytes, pad, capacity);
            long base = rnd.nextInt(3) == 0 ? (1L << 40) + rnd.nextInt(1000) : 0;
            for (int e = 0; e < dfas.size(); e++) {
                int state = dfas.get(e).startState(Dfa.CONTEXT_START);
                int pos = 0;
                while (true) {
                    int len = Math.min(bytes.length - pos, rnd.nextInt(3) == 0 ? rnd.nextInt(80) : rnd.nextInt(1200));
                    boolean last = pos + len == bytes.length;
                    boolean stepQuiet = rnd.nextInt(10) == 0;
                    quiet |= stepQuiet;
                    int budget = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 400);
                    int pc = 0;
                    do {
                        int[] args = DfaStepAbi.args(e, OUT, INPUT, pos, len, base + pos, (int) slots, last,
                                stepQuiet, budget, state, pc);
                        if (rnd.nextInt(12) == 0) {
                            int[] bad = corrupt(rnd, args, bytes.length, dfas);
                            SlotOutcome fx = x.call(bad);
                            SlotOutcome fy = y.call(bad);
                            same(fx, fy, "corrupted slot " + slots);
                            faults += fx.isFault() ? 1 : 0;
                            slots++;
                        }
                        SlotOutcome ox = x.call(args);
                        SlotOutcome oy = y.call(args);
                        same(ox, oy, "slot " + slots + " (span " + pos + "+" + len + ", pc " + pc + ", budget "
                                + budget + ")");
                        assertEquals(true, ox.isDone(), () -> "a well-formed slot runs: " + ox);
                        slots++;
                        state = ox.arg(DfaStepAbi.STATE);
                        pc = ox.arg(DfaStepAbi.PC);
                    } while (pc < len);
                    pos += len;
                    if (last) {
                        break;
                    }
                }
            }
            List<long[]> rx = records(x.buffer());
            List<long[]> ry = records(y.buffer());
            assertEquals(rx.size(), ry.size(), "record counts");
            for (int i = 0; i < rx.size(); i++) {
                assertArrayEquals(rx.get(i), ry.get(i), "record " + i);
            }
            assertEquals(x.buffer().cursor(), y.buffer().cursor(), "CURSOR");
            assertEquals(x.buffer().dropped(), y.buffer().dropped(), "DROPPED");
            if (!overflow && !quiet && base == 0) {
                TreeSet<Match> got = new TreeSet<>();
                rx.forEach(r -> got.add(new Match((int) r[1], r[2])));
                assertEquals(new Scanner(automaton).scan(bytes), new ArrayList<>(got), "the chain's matches");
            }
            return new Totals(slots, rx.size(), faults, x.buffer().dropped());
        }
    }

    /** {@code args} with one word made bad in a way the checks catch (each check's detail is that word). */
    static int[] corrupt(SplittableRandom rnd, int[] args, int inputBytes, List<Dfa> dfas) {
        int[] a = args.clone();
        switch (rnd.nextInt(8)) {
            case 0 -> a[DfaStepAbi.AUTOMATON] = dfas.size() + rnd.nextInt(3);
            case 1 -> a[DfaStepAbi.OUTPUT] = rnd.nextBoolean() ? OUT + 1 : DfaStepUnit.MAX_MATCH_BUFFERS + 5;
            case 2 -> a[DfaStepAbi.INPUT] = rnd.nextBoolean() ? INPUT + 1 : -1;
            case 3 -> a[DfaStepAbi.OFFSET] = inputBytes + 1 + rnd.nextInt(100);
            case 4 -> a[DfaStepAbi.LENGTH] = inputBytes + 1 - a[DfaStepAbi.OFFSET] + rnd.nextInt(5);
            case 5 -> a[DfaStepAbi.BASE_HI] = 0x8000_0000 | rnd.nextInt(1 << 20);
            case 6 -> a[DfaStepAbi.STATE] = dfas.get(a[DfaStepAbi.AUTOMATON]).stateCount() + rnd.nextInt(3);
            default -> a[DfaStepAbi.PC] = a[DfaStepAbi.LENGTH] + 1 + rnd.nextInt(3);
        }
        return a;
    }

    static void same(SlotOutcome x, SlotOutcome y, String what) {
        assertEquals(x.state(), y.state(), what + ": status " + x + " vs " + y);
        assertEquals(x.fault(), y.fault(), what + ": fault " + x + " vs " + y);
        assertEquals(x.faultDetail(), y.faultDetail(), what + ": detail " + x + " vs " + y);
        assertArrayEquals(x.args(), y.args(), what + ": words " + x + " vs " + y);
    }

    /** The stored records {TAG, PATTERN_ID, END} in buffer order. */
    static List<long[]> records(MatchBuffer b) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            out.add(new long[] {b.tag(i), b.patternId(i), b.endOffset(i)});
        }
        return out;
    }

    /**
     * Many slots in flight at once on {@code workers} workers over one buffer (big enough): the records of each
     * kernel, sorted, must be equal (record order across slots is unspecified).
     */
    static long concurrentCase(SplittableRandom rnd, Supplier<Backend> left, Supplier<Backend> right, int workers) {
        CompiledAutomaton automaton = randomAutomaton(rnd);
        byte[] bytes = randomInput(rnd, 500 + rnd.nextInt(4000));
        int lanes = 1 + rnd.nextInt(24);
        List<List<long[]>> sides = new ArrayList<>();
        for (Supplier<Backend> backend : List.of(left, right)) {
            try (Megakernel k = kernel(backend.get(), automaton, workers)) {
                Side s = Side.of(k, bytes, 16 * rnd.nextInt(2), 1 << 18);
                List<Ticket> tickets = new ArrayList<>();
                Dfa dfa = k.dfaStep().automata().getFirst();
                for (int j = 0; j < lanes; j++) {
                    int from = (int) ((long) bytes.length * j / lanes);
                    int to = (int) ((long) bytes.length * (j + 1) / lanes);
                    tickets.add(k.publish(Opcodes.DFA_STEP, 0, Priority.NORMAL, DfaStepAbi.args(0, OUT, INPUT, from,
                            to - from, from, j, j == lanes - 1, false, 0, dfa.startState(Dfa.CONTEXT_OTHER), 0)));
                }
                for (Ticket t : tickets) {
                    assertEquals(true, t.await(WAIT).isDone());
                }
                List<long[]> r = records(s.buffer());
                r.sort((p, q) -> java.util.Arrays.compare(p, q));
                sides.add(r);
            }
        }
        assertEquals(sides.get(0).size(), sides.get(1).size(), "record counts");
        for (int i = 0; i < sides.get(0).size(); i++) {
            assertArrayEquals(sides.get(0).get(i), sides.get(1).get(i), "sorted record " + i);
        }
        return sides.get(0).size();
    }
}
