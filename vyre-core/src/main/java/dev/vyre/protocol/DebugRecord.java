package dev.vyre.protocol;

/**
 * One debug-log record, {@link DebugLogLayout#RECORD_WORDS} words {@code {fmt_id, arg0, arg1, arg2}}.
 *
 * @param fmtId the format id (PRINTF's ARG0)
 * @param arg0 first value
 * @param arg1 second value
 * @param arg2 third value
 */
public record DebugRecord(int fmtId, int arg0, int arg1, int arg2) {
}
