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

    /** Whether it is the keyword {@code DEFAULT}: a value left to each side's own column default. */
    boolean isDefault() {
        return isDefault(text);
    }

    /** Whether {@code sql} is the keyword {@code DEFAULT}, blanks around it aside. */
    static boolean isDefault(String sql) {
        return sql.trim().equalsIgnoreCase("default");
    }

    SideStatement toStatement() {
        return new SideStatement(text, params);
    }
}
