/**
 * The host/megakernel wire ABI (PROTOCOL.md, and the task side of AUTOMATA.md), bit-exact: layout constants
 * ({@link dev.vyre.protocol.SlotLayout}, {@link dev.vyre.protocol.ControlLayout},
 * {@link dev.vyre.protocol.DebugLogLayout}, {@link dev.vyre.protocol.TaskLayout}, {@link dev.vyre.protocol.Opcodes}),
 * wire enums, plain records ({@link dev.vyre.protocol.Slot}, {@link dev.vyre.protocol.Task}), allocation-free
 * views over shared {@link java.lang.foreign.MemorySegment}s, and length-checked decoders that fail with
 * {@link dev.vyre.protocol.ProtocolException}. docs/PROTOCOL-JAVA.md describes the choices where the spec is
 * silent.
 */
package dev.vyre.protocol;
