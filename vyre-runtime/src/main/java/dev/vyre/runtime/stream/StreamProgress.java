package dev.vyre.runtime.stream;

/**
 * Where a run stands, for {@link GpuStream.Builder#onProgress}.
 *
 * @param filesEnded files whose reading ended and whose every slot finished (failed files included)
 * @param files      files in the run (after directories were expanded)
 * @param chunks     chunk slots finished
 * @param bytes      file bytes of those chunks (their own bytes, overlap not counted)
 */
public record StreamProgress(int filesEnded, int files, long chunks, long bytes) {
}
