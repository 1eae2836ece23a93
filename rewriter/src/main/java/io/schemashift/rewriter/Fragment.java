package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.List;

/** A piece of SQL text with the source of each {@code ?} in it. Immutable. */
record Fragment(String text, List<ParamSource> params) {

    static Fragment of(String text) {
        return new Fragment(text, List.of());
    }

    /** Concatenates pieces, each a String or a Fragment. */
    static Fragment join(List<?> pieces) {
        StringBuilder text = new StringBuilder();
        List<ParamSource> params = new ArrayList<>();
        for (Object p : pieces) {
            if (p instanceof Fragment f) {
                text.append(f.text);
                params.addAll(f.params);
            } else {
                text.append((String) p);
            }
        }
        return new Fragment(text.toString(), List.copyOf(params));
    }

    SideStatement toStatement() {
        return new SideStatement(text, params);
    }
}
