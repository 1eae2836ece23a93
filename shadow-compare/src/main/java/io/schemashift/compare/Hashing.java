package io.schemashift.compare;

/**
 * A small, well-mixed 64-bit streaming hash. Not cryptographic: it identifies rows, it does not hide them (reports
 * go through {@link Redactor}). With n rows, the chance that a collision hides a difference is about n²/2⁶⁵.
 */
final class Hashing {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Hashing() {}

    static long start(long seed) {
        return mix(seed + GOLDEN);
    }

    /** Adds a value; order matters, so (a, b) and (b, a) hash differently. */
    static long add(long h, long v) {
        return Long.rotateLeft(h ^ mix(v), 27) * GOLDEN + 0x52DCE729L;
    }

    static long chars(long h, String s) {
        long r = add(h, s.length());
        int i = 0;
        for (; i + 4 <= s.length(); i += 4) {
            r = add(
                    r,
                    (long) s.charAt(i)
                            | (long) s.charAt(i + 1) << 16
                            | (long) s.charAt(i + 2) << 32
                            | (long) s.charAt(i + 3) << 48);
        }
        for (; i < s.length(); i++) {
            r = add(r, s.charAt(i));
        }
        return r;
    }

    static long bytes(long h, byte[] b) {
        long r = add(h, b.length);
        for (byte x : b) {
            r = add(r, x);
        }
        return r;
    }

    static long finish(long h) {
        return mix(h);
    }

    /** The MurmurHash3 64-bit finalizer: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
