package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake libcuda.so.1 made of upcall stubs, so the binding's marshalling (C types, out-parameters, option arrays,
 * kernelParams) and its resource bookkeeping run on machines without a GPU. "Device" memory is host memory; a
 * pinned buffer's device pointer is its host address plus {@link #PINNED_DEVICE_OFFSET}, so a test can tell the
 * two apart. Kernels of {@link TestKernels#MODULE} are emulated in Java. Every stub catches its own exceptions
 * (an exception escaping an upcall would end the JVM) and records them in {@link #failures}.
 */
@SuppressWarnings("restricted") // native memory and library access is what this class is for
final class FakeCuda implements AutoCloseable {
    static final long CONTEXT = 0xC0C0_0000L;
    static final int DEVICE_HANDLE_BASE = 10;
    static final long PINNED_DEVICE_OFFSET = 1L << 44;
    static final int FAKE_DRIVER_VERSION = 12080;
    /** A code only this fake driver names, to see that the driver's cuGetErrorName wins over the table. */
    static final int FAKE_ONLY_CODE = 4242;
    static final String FAKE_ONLY_NAME = "CUDA_ERROR_ONLY_THE_FAKE_KNOWS";

    record Device(String name, int ccMajor, int ccMinor, long totalMem, int sms, boolean canMapHost) {
    }

    record Launch(String function, int[] grid, int[] block, int sharedMem, long stream, long[] params) {
    }

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern GLOBAL = Pattern.compile("\\.global\\s+(?:\\.align\\s+\\d+\\s+)?\\.u32\\s+(\\w+);");

    private final Arena arena = Arena.ofShared();
    private final Map<String, MemorySegment> symbols = new ConcurrentHashMap<>();
    private final Map<Integer, MemorySegment> errorNames = new HashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(0x1000);

    final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    volatile int initResult = CuResult.SUCCESS;
    volatile int queryResult = CuResult.SUCCESS;
    volatile int launchResult = CuResult.SUCCESS;
    volatile List<Device> devices = List.of(new Device("Fake H100", 9, 0, 80L << 30, 132, true));
    volatile int retained;
    /** Set by an emulated kernel fault; like the real driver, every later retain then fails. */
    volatile boolean poisoned;
    final Map<Long, MemorySegment> deviceMemory = new ConcurrentHashMap<>();
    final Map<Long, Arena> deviceArenas = new ConcurrentHashMap<>();
    final Map<Long, MemorySegment> pinned = new ConcurrentHashMap<>();
    final Map<Long, Arena> pinnedArenas = new ConcurrentHashMap<>();
    final List<Integer> hostAllocFlags = Collections.synchronizedList(new ArrayList<>());
    final Map<Long, Integer> streams = new ConcurrentHashMap<>();
    final Set<Long> events = ConcurrentHashMap.newKeySet();
    final Set<Long> graphs = ConcurrentHashMap.newKeySet();
    final Set<Long> execs = ConcurrentHashMap.newKeySet();
    final Map<Long, String> modules = new ConcurrentHashMap<>();
    final Map<Long, List<Long>> moduleGlobals = new ConcurrentHashMap<>();
    final Map<Long, String[]> functions = new ConcurrentHashMap<>();
    final List<Launch> launches = Collections.synchronizedList(new ArrayList<>());
    final List<Long> graphLaunches = Collections.synchronizedList(new ArrayList<>());
    private final Map<Long, List<Launch>> capturing = new ConcurrentHashMap<>();
    private final Map<Long, List<Launch>> graphWork = new ConcurrentHashMap<>();
    final Map<Long, Long> currentContextByThread = new ConcurrentHashMap<>();

    FakeCuda() {
        for (CuFn fn : CuFn.values()) {
            export(fn, fn.symbols().getFirst());
        }
        Map<Integer, String> names = Map.of(0, "CUDA_SUCCESS", 1, "CUDA_ERROR_INVALID_VALUE", 100,
                "CUDA_ERROR_NO_DEVICE", 218, "CUDA_ERROR_INVALID_PTX", 500, "CUDA_ERROR_NOT_FOUND", 700,
                "CUDA_ERROR_ILLEGAL_ADDRESS", 201, "CUDA_ERROR_INVALID_CONTEXT", FAKE_ONLY_CODE, FAKE_ONLY_NAME);
        names.forEach((code, name) -> errorNames.put(code, arena.allocateFrom(name)));
    }

    /** The lookup the binding sees. */
    SymbolLookup lookup() {
        return name -> Optional.ofNullable(symbols.get(name));
    }

    /** A binding over this fake. */
    LibCuda api() {
        return new LibCuda(lookup());
    }

    /** Exports {@code fn}'s fake under {@code symbol} (its Java method is named after fn's preferred symbol). */
    void export(CuFn fn, String symbol) {
        try {
            MethodHandle target = MethodHandles.lookup().findVirtual(FakeCuda.class, fn.symbols().getFirst(),
                    fn.descriptor().toMethodType()).bindTo(this);
            MethodHandle onFailure = MethodHandles.lookup().findVirtual(FakeCuda.class, "failed",
                    java.lang.invoke.MethodType.methodType(int.class, Throwable.class)).bindTo(this);
            MethodHandle guarded = MethodHandles.catchException(target, Throwable.class,
                    MethodHandles.dropArguments(onFailure, 1, target.type().parameterList()));
            symbols.put(symbol, Linker.nativeLinker().upcallStub(guarded, fn.descriptor(), arena));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("fake has no method for " + fn, e);
        }
    }

    /** Stops exporting {@code symbol}. */
    void remove(String symbol) {
        symbols.remove(symbol);
    }

    private int failed(Throwable t) {
        failures.add(t);
        return CuResult.UNKNOWN;
    }

    /** Number of driver objects still alive (allocations, pinned memory, streams, events, graphs, modules). */
    int liveObjects() {
        return deviceMemory.size() + pinned.size() + registered.size() + streams.size() + events.size() + graphs.size() + execs.size()
                + modules.size() + links.size();
    }

    @Override
    public void close() {
        deviceArenas.values().forEach(Arena::close);
        pinnedArenas.values().forEach(Arena::close);
        arena.close();
    }

    private long handle() {
        return nextHandle.addAndGet(0x100);
    }

    private static MemorySegment out(MemorySegment p, long bytes) {
        return p.reinterpret(bytes);
    }

    /** The host memory behind device address range {@code [address, address + bytes)}, or null. */
    MemorySegment resolve(long address, long bytes) {
        for (MemorySegment m : deviceMemory.values()) {
            if (address >= m.address() && address + bytes <= m.address() + m.byteSize()) {
                return m.asSlice(address - m.address(), bytes);
            }
        }
        for (MemorySegment m : pinned.values()) {
            long device = m.address() + PINNED_DEVICE_OFFSET;
            if (address >= device && address + bytes <= device + m.byteSize()) {
                return m.asSlice(address - device, bytes);
            }
        }
        return null;
    }

    private int deviceIndex(int handle) {
        int i = handle - DEVICE_HANDLE_BASE;
        return i >= 0 && i < devices.size() ? i : -1;
    }

    // ---- the fake driver functions, named after the exported symbols ----

    int cuInit(int flags) {
        return flags == 0 ? initResult : CuResult.INVALID_VALUE;
    }

    int cuDriverGetVersion(MemorySegment version) {
        out(version, 4).set(ValueLayout.JAVA_INT, 0, FAKE_DRIVER_VERSION);
        return 0;
    }

    int cuGetErrorName(int code, MemorySegment str) {
        MemorySegment name = errorNames.get(code);
        if (name == null) {
            return CuResult.INVALID_VALUE;
        }
        out(str, 8).set(ValueLayout.ADDRESS, 0, name);
        return 0;
    }

    int cuGetErrorString(int code, MemorySegment str) {
        if (!errorNames.containsKey(code)) {
            return CuResult.INVALID_VALUE;
        }
        out(str, 8).set(ValueLayout.ADDRESS, 0, arena.allocateFrom("fake description of " + code));
        return 0;
    }

    int cuDeviceGetCount(MemorySegment count) {
        out(count, 4).set(ValueLayout.JAVA_INT, 0, devices.size());
        return 0;
    }

    int cuDeviceGet(MemorySegment device, int ordinal) {
        if (ordinal < 0 || ordinal >= devices.size()) {
            return CuResult.INVALID_DEVICE;
        }
        out(device, 4).set(ValueLayout.JAVA_INT, 0, DEVICE_HANDLE_BASE + ordinal);
        return 0;
    }

    int cuDeviceGetName(MemorySegment name, int len, int device) {
        int i = deviceIndex(device);
        if (i < 0) {
            return CuResult.INVALID_DEVICE;
        }
        byte[] bytes = devices.get(i).name().getBytes(StandardCharsets.UTF_8);
        MemorySegment dst = out(name, len);
        int n = Math.min(bytes.length, len - 1);
        MemorySegment.copy(bytes, 0, dst, ValueLayout.JAVA_BYTE, 0, n);
        dst.set(ValueLayout.JAVA_BYTE, n, (byte) 0);
        return 0;
    }

    int cuDeviceGetAttribute(MemorySegment value, int attribute, int device) {
        int i = deviceIndex(device);
        if (i < 0) {
            return CuResult.INVALID_DEVICE;
        }
        Device d = devices.get(i);
        int v = switch (attribute) {
            case 16 -> d.sms();
            case 19 -> d.canMapHost() ? 1 : 0;
            case 75 -> d.ccMajor();
            case 76 -> d.ccMinor();
            default -> -1;
        };
        if (v < 0) {
            return CuResult.INVALID_VALUE;
        }
        out(value, 4).set(ValueLayout.JAVA_INT, 0, v);
        return 0;
    }

    int cuDeviceTotalMem_v2(MemorySegment bytes, int device) {
        int i = deviceIndex(device);
        if (i < 0) {
            return CuResult.INVALID_DEVICE;
        }
        out(bytes, 8).set(ValueLayout.JAVA_LONG, 0, devices.get(i).totalMem());
        return 0;
    }

    synchronized int cuDevicePrimaryCtxRetain(MemorySegment context, int device) {
        if (deviceIndex(device) < 0) {
            return CuResult.INVALID_DEVICE;
        }
        if (poisoned) {
            return CuResult.ILLEGAL_ADDRESS;
        }
        retained++;
        out(context, 8).set(ValueLayout.JAVA_LONG, 0, CONTEXT);
        return 0;
    }

    synchronized int cuDevicePrimaryCtxRelease_v2(int device) {
        if (deviceIndex(device) < 0 || retained == 0) {
            return CuResult.INVALID_CONTEXT;
        }
        retained--;
        return 0;
    }

    int cuCtxSetCurrent(MemorySegment context) {
        if (context.address() != CONTEXT) {
            return CuResult.INVALID_CONTEXT;
        }
        currentContextByThread.put(Thread.currentThread().threadId(), context.address());
        return 0;
    }

    /** Fails with INVALID_CONTEXT unless the calling thread made the fake context current. */
    private boolean noContext() {
        return currentContextByThread.getOrDefault(Thread.currentThread().threadId(), 0L) != CONTEXT;
    }

    int cuCtxSynchronize() {
        return noContext() ? CuResult.INVALID_CONTEXT : 0;
    }

    int cuMemGetInfo_v2(MemorySegment free, MemorySegment total) {
        long used = deviceMemory.values().stream().mapToLong(MemorySegment::byteSize).sum();
        long capacity = devices.getFirst().totalMem();
        out(free, 8).set(ValueLayout.JAVA_LONG, 0, capacity - used);
        out(total, 8).set(ValueLayout.JAVA_LONG, 0, capacity);
        return 0;
    }

    int cuMemAlloc_v2(MemorySegment ptr, long bytes) {
        if (noContext()) {
            return CuResult.INVALID_CONTEXT;
        }
        if (bytes <= 0) {
            return CuResult.INVALID_VALUE;
        }
        Arena a = Arena.ofShared();
        MemorySegment m = a.allocate(bytes, 256);
        deviceMemory.put(m.address(), m);
        deviceArenas.put(m.address(), a);
        out(ptr, 8).set(ValueLayout.JAVA_LONG, 0, m.address());
        return 0;
    }

    int cuMemFree_v2(long ptr) {
        if (noContext()) {
            return CuResult.INVALID_CONTEXT;
        }
        if (deviceMemory.remove(ptr) == null) {
            return CuResult.INVALID_VALUE;
        }
        deviceArenas.remove(ptr).close();
        return 0;
    }

    int cuMemcpyHtoD_v2(long dst, MemorySegment src, long bytes) {
        MemorySegment d = resolve(dst, bytes);
        if (d == null || noContext()) {
            return CuResult.INVALID_VALUE;
        }
        d.copyFrom(src.reinterpret(bytes));
        return 0;
    }

    /** Records (stream handle, bytes) of every asynchronous host-to-device copy. */
    final List<long[]> asyncCopies = Collections.synchronizedList(new ArrayList<>());

    int cuMemcpyHtoDAsync_v2(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        MemorySegment d = resolve(dst, bytes);
        if (d == null || noContext() || !streams.containsKey(stream.address())) {
            return CuResult.INVALID_VALUE;
        }
        d.copyFrom(src.reinterpret(bytes));
        asyncCopies.add(new long[] {stream.address(), bytes});
        return 0;
    }

    int cuMemcpyDtoH_v2(MemorySegment dst, long src, long bytes) {
        MemorySegment s = resolve(src, bytes);
        if (s == null || noContext()) {
            return CuResult.INVALID_VALUE;
        }
        dst.reinterpret(bytes).copyFrom(s);
        return 0;
    }

    int cuMemsetD32_v2(long dst, int value, long count) {
        MemorySegment d = resolve(dst, count * 4);
        if (d == null || noContext()) {
            return CuResult.INVALID_VALUE;
        }
        for (long i = 0; i < count; i++) {
            d.setAtIndex(ValueLayout.JAVA_INT, i, value);
        }
        return 0;
    }

    int cuMemHostAlloc(MemorySegment pp, long bytes, int flags) {
        if (noContext()) {
            return CuResult.INVALID_CONTEXT;
        }
        hostAllocFlags.add(flags);
        Arena a = Arena.ofShared();
        MemorySegment m = a.allocate(bytes, 4096);
        pinned.put(m.address(), m);
        pinnedArenas.put(m.address(), a);
        out(pp, 8).set(ValueLayout.ADDRESS, 0, m);
        return 0;
    }

    int cuMemFreeHost(MemorySegment p) {
        if (pinned.remove(p.address()) == null) {
            return CuResult.INVALID_VALUE;
        }
        pinnedArenas.remove(p.address()).close();
        return 0;
    }

    /** Host ranges registered with cuMemHostRegister, by address: the flags given. */
    final Map<Long, Integer> registered = new ConcurrentHashMap<>();

    int cuMemHostRegister_v2(MemorySegment p, long bytes, int flags) {
        if (noContext()) {
            return CuResult.INVALID_CONTEXT;
        }
        if (bytes < 1 || registered.putIfAbsent(p.address(), flags) != null) {
            return CuResult.INVALID_VALUE;
        }
        return 0;
    }

    int cuMemHostUnregister(MemorySegment p) {
        return registered.remove(p.address()) == null ? CuResult.INVALID_VALUE : 0;
    }

    int cuMemHostGetDevicePointer_v2(MemorySegment dptr, MemorySegment p, int flags) {
        if (flags != 0 || !pinned.containsKey(p.address()) && !registered.containsKey(p.address())) {
            return CuResult.INVALID_VALUE;
        }
        out(dptr, 8).set(ValueLayout.JAVA_LONG, 0, p.address() + PINNED_DEVICE_OFFSET);
        return 0;
    }

    /** A fake cubin: this header, then the PTX text and a NUL (the fake module loader reads a C string). */
    static final String FAKE_CUBIN_HEADER = "// fake cubin\n";

    /** A link in progress: the log buffers from cuLinkCreate, the PTX added, the image once complete. */
    static final class LinkState {
        MemorySegment infoBuf;
        long infoSize;
        MemorySegment errorBuf;
        long errorSize;
        String ptx;
        MemorySegment image;
    }

    final Map<Long, LinkState> links = new ConcurrentHashMap<>();
    final AtomicLong linksDestroyed = new AtomicLong();

    int cuLinkCreate_v2(int numOptions, MemorySegment options, MemorySegment values, MemorySegment stateOut) {
        if (noContext()) {
            return CuResult.INVALID_CONTEXT;
        }
        LinkState st = new LinkState();
        MemorySegment opts = options.reinterpret(4L * numOptions);
        MemorySegment vals = values.reinterpret(8L * numOptions);
        for (int i = 0; i < numOptions; i++) {
            switch (opts.getAtIndex(ValueLayout.JAVA_INT, i)) {
                case 3 -> st.infoBuf = vals.getAtIndex(ValueLayout.ADDRESS, i);
                case 4 -> st.infoSize = vals.getAtIndex(ValueLayout.JAVA_LONG, i);
                case 5 -> st.errorBuf = vals.getAtIndex(ValueLayout.ADDRESS, i);
                case 6 -> st.errorSize = vals.getAtIndex(ValueLayout.JAVA_LONG, i);
                default -> {
                    return CuResult.INVALID_VALUE;
                }
            }
        }
        long h = handle();
        links.put(h, st);
        out(stateOut, 8).set(ValueLayout.JAVA_LONG, 0, h);
        return 0;
    }

    int cuLinkAddData_v2(MemorySegment state, int type, MemorySegment data, long size, MemorySegment name,
                         int numOptions, MemorySegment options, MemorySegment values) {
        LinkState st = links.get(state.address());
        if (st == null || type != 1 || size < 1 || numOptions != 0) {
            return CuResult.INVALID_VALUE;
        }
        String ptx = data.reinterpret(size).getString(0);
        if (ptx.contains("frobnicate")) {
            writeLog(st.errorBuf, st.errorSize, "ptxas application ptx input, line 11; error   : Unknown "
                    + "instruction 'frobnicate'");
            return CuResult.INVALID_PTX;
        }
        st.ptx = ptx;
        return 0;
    }

    int cuLinkComplete(MemorySegment state, MemorySegment cubinOut, MemorySegment sizeOut) {
        LinkState st = links.get(state.address());
        if (st == null || st.ptx == null) {
            return CuResult.INVALID_VALUE;
        }
        st.image = arena.allocateFrom(FAKE_CUBIN_HEADER + st.ptx);
        writeLog(st.infoBuf, st.infoSize, "fake JIT: linked " + st.ptx.length() + " chars");
        out(cubinOut, 8).set(ValueLayout.ADDRESS, 0, st.image);
        out(sizeOut, 8).set(ValueLayout.JAVA_LONG, 0, st.image.byteSize());
        return 0;
    }

    int cuLinkDestroy(MemorySegment state) {
        if (links.remove(state.address()) == null) {
            return CuResult.INVALID_VALUE;
        }
        linksDestroyed.incrementAndGet();
        return 0;
    }

    /** Decodes the JIT options by option id (not by position), as the driver does. */
    int cuModuleLoadDataEx(MemorySegment module, MemorySegment image, int numOptions, MemorySegment options,
                           MemorySegment values) {
        if (noContext()) {
            return CuResult.INVALID_CONTEXT;
        }
        String ptx = image.reinterpret(Integer.MAX_VALUE).getString(0);
        MemorySegment opts = options.reinterpret(4L * numOptions);
        MemorySegment vals = values.reinterpret(8L * numOptions);
        MemorySegment errorBuf = null;
        MemorySegment infoBuf = null;
        long errorSize = 0;
        long infoSize = 0;
        for (int i = 0; i < numOptions; i++) {
            switch (opts.getAtIndex(ValueLayout.JAVA_INT, i)) {
                case 3 -> infoBuf = vals.getAtIndex(ValueLayout.ADDRESS, i);
                case 4 -> infoSize = vals.getAtIndex(ValueLayout.JAVA_LONG, i);
                case 5 -> errorBuf = vals.getAtIndex(ValueLayout.ADDRESS, i);
                case 6 -> errorSize = vals.getAtIndex(ValueLayout.JAVA_LONG, i);
                default -> {
                    return CuResult.INVALID_VALUE;
                }
            }
        }
        if (ptx.contains("frobnicate")) {
            writeLog(errorBuf, errorSize, "ptxas application ptx input, line 11; error   : Unknown instruction "
                    + "'frobnicate'");
            return CuResult.INVALID_PTX;
        }
        writeLog(infoBuf, infoSize, "fake JIT: compiled " + ptx.length() + " chars");
        long h = handle();
        modules.put(h, ptx);
        List<Long> globals = new ArrayList<>();
        Matcher g = GLOBAL.matcher(ptx);
        while (g.find()) {
            MemorySegment dp = arena.allocate(8);
            cuMemAlloc_v2(dp, 4);
            globals.add(dp.get(ValueLayout.JAVA_LONG, 0));
        }
        moduleGlobals.put(h, globals);
        out(module, 8).set(ValueLayout.JAVA_LONG, 0, h);
        return 0;
    }

    private static void writeLog(MemorySegment buffer, long size, String text) {
        if (buffer != null && size > 0) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            MemorySegment dst = buffer.reinterpret(size);
            int n = (int) Math.min(bytes.length, size - 1);
            MemorySegment.copy(bytes, 0, dst, ValueLayout.JAVA_BYTE, 0, n);
            dst.set(ValueLayout.JAVA_BYTE, n, (byte) 0);
        }
    }

    int cuModuleGetFunction(MemorySegment function, MemorySegment module, MemorySegment name) {
        String ptx = modules.get(module.address());
        if (ptx == null) {
            return CuResult.INVALID_HANDLE;
        }
        String wanted = name.reinterpret(Integer.MAX_VALUE).getString(0);
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            if (m.group(1).equals(wanted)) {
                long h = handle();
                int params = m.group(2).split("\\.param", -1).length - 1;
                functions.put(h, new String[]{wanted, Integer.toString(params)});
                out(function, 8).set(ValueLayout.JAVA_LONG, 0, h);
                return 0;
            }
        }
        return CuResult.NOT_FOUND;
    }

    int cuModuleGetGlobal_v2(MemorySegment ptr, MemorySegment bytes, MemorySegment module, MemorySegment name) {
        String ptx = modules.get(module.address());
        if (ptx == null) {
            return CuResult.INVALID_HANDLE;
        }
        String wanted = name.reinterpret(Integer.MAX_VALUE).getString(0);
        Matcher g = GLOBAL.matcher(ptx);
        int index = 0;
        while (g.find()) {
            if (g.group(1).equals(wanted)) {
                out(ptr, 8).set(ValueLayout.JAVA_LONG, 0, moduleGlobals.get(module.address()).get(index));
                out(bytes, 8).set(ValueLayout.JAVA_LONG, 0, 4);
                return 0;
            }
            index++;
        }
        return CuResult.NOT_FOUND;
    }

    int cuModuleUnload(MemorySegment module) {
        if (modules.remove(module.address()) == null) {
            return CuResult.INVALID_HANDLE;
        }
        for (long global : moduleGlobals.remove(module.address())) {
            cuMemFree_v2(global);
        }
        return 0;
    }

    int cuLaunchKernel(MemorySegment function, int gx, int gy, int gz, int bx, int by, int bz, int shared,
                       MemorySegment stream, MemorySegment params, MemorySegment extra) {
        String[] fn = functions.get(function.address());
        if (fn == null || noContext() || !extra.equals(MemorySegment.NULL)) {
            return CuResult.INVALID_VALUE;
        }
        int n = Integer.parseInt(fn[1]);
        long[] raw = new long[n];
        MemorySegment pointers = params.reinterpret(8L * n);
        for (int i = 0; i < n; i++) {
            raw[i] = pointers.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(8).get(ValueLayout.JAVA_LONG, 0);
        }
        Launch launch = new Launch(fn[0], new int[]{gx, gy, gz}, new int[]{bx, by, bz}, shared, stream.address(),
                raw);
        List<Launch> capture = capturing.get(stream.address());
        if (capture != null) {
            capture.add(launch);
            return 0;
        }
        launches.add(launch);
        int rc = launchResult != 0 ? launchResult : execute(launch);
        if (CuResult.isSticky(rc)) {
            poisoned = true;
        }
        return rc;
    }

    /** Runs the emulated kernels of TestKernels.MODULE. */
    private int execute(Launch launch) {
        long threads = (long) launch.grid()[0] * launch.grid()[1] * launch.grid()[2] * launch.block()[0]
                * launch.block()[1] * launch.block()[2];
        switch (launch.function()) {
            case TestKernels.ADD_ONE_NAME, TestKernels.ADD_DELTA_NAME -> {
                long count = Math.min(threads, launch.params()[1] & 0xFFFF_FFFFL);
                MemorySegment data = resolve(launch.params()[0], count * 4);
                if (data == null) {
                    return CuResult.ILLEGAL_ADDRESS;
                }
                int delta = 1;
                if (launch.function().equals(TestKernels.ADD_DELTA_NAME)) {
                    long global = moduleGlobals.values().iterator().next().getFirst();
                    delta = resolve(global, 4).get(ValueLayout.JAVA_INT, 0);
                }
                for (long i = 0; i < count; i++) {
                    data.setAtIndex(ValueLayout.JAVA_INT, i, data.getAtIndex(ValueLayout.JAVA_INT, i) + delta);
                }
                return 0;
            }
            case TestKernels.STORE_AT_NAME -> {
                MemorySegment target = resolve(launch.params()[0], 4);
                if (target == null) {
                    return CuResult.ILLEGAL_ADDRESS;
                }
                target.set(ValueLayout.JAVA_INT, 0, (int) launch.params()[1]);
                return 0;
            }
            default -> {
                return 0;
            }
        }
    }

    int cuStreamCreate(MemorySegment stream, int flags) {
        if (noContext()) {
            return CuResult.INVALID_CONTEXT;
        }
        long h = handle();
        streams.put(h, flags);
        out(stream, 8).set(ValueLayout.JAVA_LONG, 0, h);
        return 0;
    }

    int cuStreamDestroy_v2(MemorySegment stream) {
        return streams.remove(stream.address()) == null ? CuResult.INVALID_HANDLE : 0;
    }

    int cuStreamSynchronize(MemorySegment stream) {
        return stream.address() == 0 || streams.containsKey(stream.address()) ? 0 : CuResult.INVALID_HANDLE;
    }

    int cuStreamQuery(MemorySegment stream) {
        return streams.containsKey(stream.address()) ? queryResult : CuResult.INVALID_HANDLE;
    }

    int cuStreamBeginCapture_v2(MemorySegment stream, int mode) {
        if (!streams.containsKey(stream.address()) || mode != 0) {
            return CuResult.INVALID_VALUE;
        }
        capturing.put(stream.address(), Collections.synchronizedList(new ArrayList<>()));
        return 0;
    }

    int cuStreamEndCapture(MemorySegment stream, MemorySegment graph) {
        List<Launch> work = capturing.remove(stream.address());
        if (work == null) {
            return 903;
        }
        long h = handle();
        graphs.add(h);
        graphWork.put(h, work);
        out(graph, 8).set(ValueLayout.JAVA_LONG, 0, h);
        return 0;
    }

    int cuGraphInstantiateWithFlags(MemorySegment exec, MemorySegment graph, long flags) {
        if (!graphs.contains(graph.address()) || flags != 0) {
            return CuResult.INVALID_VALUE;
        }
        long h = handle();
        execs.add(h);
        graphWork.put(h, List.copyOf(graphWork.get(graph.address())));
        out(exec, 8).set(ValueLayout.JAVA_LONG, 0, h);
        return 0;
    }

    int cuGraphLaunch(MemorySegment exec, MemorySegment stream) {
        if (!execs.contains(exec.address())) {
            return CuResult.INVALID_HANDLE;
        }
        graphLaunches.add(exec.address());
        for (Launch l : graphWork.get(exec.address())) {
            int rc = execute(l);
            if (rc != 0) {
                return rc;
            }
        }
        return 0;
    }

    int cuGraphExecDestroy(MemorySegment exec) {
        graphWork.remove(exec.address());
        return execs.remove(exec.address()) ? 0 : CuResult.INVALID_HANDLE;
    }

    int cuGraphDestroy(MemorySegment graph) {
        graphWork.remove(graph.address());
        return graphs.remove(graph.address()) ? 0 : CuResult.INVALID_HANDLE;
    }

    int cuEventCreate(MemorySegment event, int flags) {
        if (noContext()) {
            return CuResult.INVALID_CONTEXT;
        }
        long h = handle();
        events.add(h);
        out(event, 8).set(ValueLayout.JAVA_LONG, 0, h);
        return 0;
    }

    int cuEventRecord(MemorySegment event, MemorySegment stream) {
        return events.contains(event.address()) ? 0 : CuResult.INVALID_HANDLE;
    }

    int cuEventSynchronize(MemorySegment event) {
        return events.contains(event.address()) ? 0 : CuResult.INVALID_HANDLE;
    }

    /** Reports 1.25 ms between any two live events. */
    int cuEventElapsedTime_v2(MemorySegment millis, MemorySegment start, MemorySegment end) {
        if (!events.contains(start.address()) || !events.contains(end.address())) {
            return CuResult.INVALID_HANDLE;
        }
        out(millis, 4).set(ValueLayout.JAVA_FLOAT, 0, 1.25f);
        return 0;
    }

    int cuEventDestroy_v2(MemorySegment event) {
        return events.remove(event.address()) ? 0 : CuResult.INVALID_HANDLE;
    }
}
