package dev.vyre.ir;

import java.util.Objects;

/** A metadata field with an extension discriminant (0x80..0xFF), preserved verbatim and in order. */
public record MetadataExtension(int discriminant, Payload payload) {
    public MetadataExtension {
        Objects.requireNonNull(payload, "payload");
    }
}
